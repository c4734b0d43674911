"""Texts of the wallboard, « Mur d'affichage » (supervisors and admins)."""
from __future__ import annotations

FR: dict[str, str] = {
    "wall.nav": "Mur d'affichage",
    "wall.context": "Les chiffres du jour et l'équipe, en direct, pour un écran au mur.",
    "wall.today": "Aujourd'hui",
    "wall.handled": "Appels traités",
    "wall.answered": "Taux de décroché",
    "wall.waiting": "Appels en attente",
    "wall.longest": "Attente la plus longue",
    "wall.sla": "Niveau de service (20 s)",
    "wall.sent": "Messages envoyés",
    "wall.agents": "Agents",
    "wall.queues": "Attente par file",
    "wall.fullscreen": "Plein écran",
    "wall.back": "Supervision",
}

EN: dict[str, str] = {
    "wall.nav": "Wallboard",
    "wall.context": "Today's figures and the team, live, for a screen on the wall.",
    "wall.today": "Today",
    "wall.handled": "Calls handled",
    "wall.answered": "Answered rate",
    "wall.waiting": "Calls waiting",
    "wall.longest": "Longest wait",
    "wall.sla": "Service level (20 s)",
    "wall.sent": "Messages sent",
    "wall.agents": "Agents",
    "wall.queues": "Waiting per queue",
    "wall.fullscreen": "Full screen",
    "wall.back": "Supervision",
}
