"""An agent's teams (checkboxes) and skills with levels 1-5: a dialog of the Agents page."""
from __future__ import annotations

import reflex as rx

from bgotocall.i18n import t
from bgotocall.state.voice import VoiceState


def _team(team) -> rx.Component:
    return rx.box(rx.checkbox(team.name, checked=team.member,
                              on_change=lambda checked: VoiceState.toggle_team(team.id, checked)),
                  data_testid="team-choice")


def _skill(skill) -> rx.Component:
    return rx.hstack(rx.badge(skill.skill, " · ", skill.level, "/5", size="2", variant="soft"),
                     rx.icon_button(rx.icon("x", size=12), size="1", variant="ghost", color_scheme="gray",
                                    aria_label="Retirer", on_click=VoiceState.remove_skill(skill.skill)),
                     spacing="1", align="center", data_testid="skill-item")


def profile_dialog() -> rx.Component:
    return rx.dialog.root(rx.dialog.content(
        rx.dialog.title(t("voice.profile"), " — ", VoiceState.edit_name),
        rx.text(t("voice.profile.help"), size="2", color=rx.color("gray", 11)),
        rx.vstack(
            rx.heading(t("voice.profile.teams"), size="3"),
            rx.cond(VoiceState.team_choices.length() > 0,
                    rx.flex(rx.foreach(VoiceState.team_choices, _team), wrap="wrap", spacing="4"),
                    rx.text(t("voice.profile.no_team"), size="2", color=rx.color("gray", 10))),
            rx.heading(t("voice.profile.skills"), size="3", margin_top="0.5rem"),
            rx.flex(rx.foreach(VoiceState.skill_items, _skill), wrap="wrap", spacing="2"),
            rx.form(rx.hstack(
                rx.vstack(rx.text(t("voice.profile.skill"), " *", as_="label", html_for="skill-name", size="2",
                                  weight="medium"),
                          rx.input(id="skill-name", name="skill", required=True, max_length=60, width="100%"),
                          spacing="1", width="100%"),
                rx.vstack(rx.text(t("voice.profile.level"), as_="label", size="2", weight="medium"),
                          rx.select(["1", "2", "3", "4", "5"], name="level", default_value="3"),
                          spacing="1"),
                rx.button(rx.icon("plus", size=14), t("voice.profile.add"), type="submit",
                          data_testid="add-skill"),
                align="end", width="100%", spacing="3"), on_submit=VoiceState.add_skill, width="100%"),
            rx.cond(VoiceState.errors.contains("skill"),
                    rx.text(VoiceState.errors["skill"], color=rx.color("red", 11), size="2")),
            rx.hstack(rx.dialog.close(rx.button(t("voice.close"), variant="soft", color_scheme="gray")),
                      justify="end", width="100%"),
            spacing="3", width="100%", margin_top="1rem"),
        max_width="560px"), open=VoiceState.edit_open, on_open_change=VoiceState.set_edit_open)
