"""Texts of the campaign pages (UC-CP-01..04) and of the agent's campaign section."""
from __future__ import annotations

from services.campaigns.presets import PRESETS

_T: dict[str, tuple[str, str]] = {
    "campaigns.new": ("Nouvelle campagne", "New campaign"),
    "campaigns.new.context": ("Quatre étapes : cadre, canaux, formulaire agent, ressources.",
                              "Four steps: frame, channels, agent form, resources."),
    "campaigns.edit.context": ("La campagne continue de tourner pendant vos modifications.",
                               "The campaign keeps running while you edit it."),
    "campaigns.edit.context.BROUILLON": ("Brouillon : rien n'est envoyé ni appelé avant « Propager "
                                         "l'OS ».",
                                         "Draft: nothing is sent or called before \"Propager "
                                         "l'OS\" (go live)."),
    "campaigns.edit.context.EN_PAUSE": ("Campagne en pause : vos modifications s'appliqueront à "
                                        "la reprise.",
                                        "Paused campaign: your changes apply when it resumes."),
    "campaigns.edit.context.ARCHIVEE": ("Campagne archivée : elle ne se modifie plus.",
                                        "Archived campaign: it can no longer be edited."),
    "campaigns.date.placeholder": ("jj/mm/aaaa", "dd/mm/yyyy"),
    "campaigns.search": ("Rechercher une campagne", "Search a campaign"),
    "campaigns.filter.status": ("Tous les statuts", "All statuses"),
    "campaigns.filter.channel": ("Tous les canaux", "All channels"),
    "campaigns.col.name": ("Campagne", "Campaign"),
    "campaigns.col.status": ("Statut", "Status"),
    "campaigns.col.channels": ("Canaux", "Channels"),
    "campaigns.col.progress": ("Progression", "Progress"),
    "campaigns.col.updated": ("Modifiée le", "Updated"),
    "campaigns.col.actions": ("Actions", "Actions"),
    "campaigns.empty": ("Aucune campagne pour l'instant. Créez votre première campagne : "
                        "définissez ses horaires, ses canaux, le formulaire de vos agents, "
                        "puis « Propager l'OS ».",
                        "No campaign yet. Create your first one: set its hours, channels and "
                        "agent form, then \"Propager l'OS\" (go live)."),
    "campaigns.action.edit": ("Modifier", "Edit"),
    "campaigns.action.pause": ("Mettre en pause", "Pause"),
    "campaigns.action.resume": ("Reprendre", "Resume"),
    "campaigns.action.duplicate": ("Dupliquer", "Duplicate"),
    "campaigns.action.archive": ("Archiver", "Archive"),
    "campaigns.archive.title": ("Archiver la campagne ?", "Archive the campaign?"),
    "campaigns.archive.text": ("La campagne s'arrête définitivement : plus aucun appel ni envoi, "
                               "et elle ne pourra plus être modifiée ni relancée. Son historique "
                               "et les réponses collectées sont conservés.",
                               "The campaign stops for good: no more calls or messages, and it "
                               "can no longer be edited or relaunched. Its history and the "
                               "collected answers are kept."),
    "campaigns.cancel": ("Annuler", "Cancel"),
    "campaigns.previous": ("Précédent", "Previous"),
    "campaigns.next": ("Suivant", "Next"),
    "campaigns.page": ("Page", "Page"),
    "campaigns.status.BROUILLON": ("Brouillon", "Draft"),
    "campaigns.status.LIVE": ("LIVE", "LIVE"),
    "campaigns.status.EN_PAUSE": ("En pause", "Paused"),
    "campaigns.status.ARCHIVEE": ("Archivée", "Archived"),
    "campaigns.channel.voice": ("Voix", "Voice"),
    "campaigns.channel.sms": ("SMS", "SMS"),
    "campaigns.channel.email": ("Email", "Email"),
    "campaigns.channel.whatsapp": ("WhatsApp", "WhatsApp"),
    # stepper
    "campaigns.step.A": ("A. Cadre", "A. Frame"),
    "campaigns.step.B": ("B. Canaux", "B. Channels"),
    "campaigns.step.C": ("C. Formulaire agent", "C. Agent form"),
    "campaigns.step.D": ("D. Ressources", "D. Resources"),
    "campaigns.save.draft": ("Enregistrer le brouillon", "Save draft"),
    "campaigns.apply": ("Appliquer les modifications", "Apply changes"),
    "campaigns.launched": ("Propagée le", "Launched on"),
    "campaigns.launch": ("Propager l'OS", "Propager l'OS (go live)"),
    "campaigns.launch.confirm.title": ("Propager l'OS ?", "Go live?"),
    "campaigns.launch.confirm.text": ("La campagne passe LIVE dès votre confirmation :",
                                      "The campaign goes LIVE as soon as you confirm:"),
    "campaigns.launch.confirm.contact": ("contact des listes choisies sera sollicité",
                                         "contact of the chosen lists will be reached"),
    "campaigns.launch.confirm.contacts": ("contacts des listes choisies seront sollicités",
                                          "contacts of the chosen lists will be reached"),
    "campaigns.launch.confirm.agent": ("agent reçoit ses appels et son formulaire",
                                       "agent receives its calls and its form"),
    "campaigns.launch.confirm.agents": ("agents reçoivent ses appels et son formulaire",
                                        "agents receive its calls and its form"),
    "campaigns.launch.confirm.channels": ("Canaux :", "Channels:"),
    "campaigns.rollback.confirm.title": ("Revenir à la version", "Roll back to version"),
    "campaigns.rollback.confirm.live": ("La campagne est LIVE : ces changements s'appliquent "
                                        "immédiatement, aux pages ouvertes des agents aussi.",
                                        "The campaign is LIVE: these changes apply at once, to "
                                        "the agents' open pages too."),
    "campaigns.rollback.confirm.text": ("Ces changements seront enregistrés comme une nouvelle "
                                        "version :",
                                        "These changes will be saved as a new version:"),
    "campaigns.preflight": ("Vérification avant lancement", "Pre-flight check"),
    "campaigns.preflight.ok": ("Tout est prêt : la campagne peut être lancée.",
                               "All set: the campaign can go live."),
    # step A
    "campaigns.name": ("Nom de la campagne", "Campaign name"),
    "campaigns.description": ("Description interne", "Internal description"),
    "campaigns.valid_from": ("Début de validité", "Valid from"),
    "campaigns.valid_until": ("Fin de validité", "Valid until"),
    "campaigns.timezone": ("Fuseau horaire de la campagne", "Campaign time zone"),
    "campaigns.bands": ("Plages horaires (Time-Banding)", "Time bands"),
    "campaigns.bands.help": ("Une ou plusieurs plages par jour, séparées par des virgules "
                             "(ex. 09:00-12:30, 14:00-18:00). Une plage comme 22:00-02:00 "
                             "passe minuit. Vide = aucun appel ni envoi ce jour-là.",
                             "One or more ranges a day, comma separated (e.g. 09:00-12:30, "
                             "14:00-18:00). A range like 22:00-02:00 crosses midnight. "
                             "Empty = no call or message that day."),
    "campaigns.contact_time": ("Respecter aussi l'heure locale de chaque contact "
                               "(déduite de son numéro)",
                               "Also respect each contact's local time (from the number)"),
    "campaigns.holidays": ("Jours fériés à éviter (AAAA-MM-JJ, séparés par des virgules)",
                           "Holidays to skip (YYYY-MM-DD, comma separated)"),
    "campaigns.holiday_country": ("Jours fériés nationaux du pays", "National holidays of"),
    "campaigns.holiday_country.none": ("Aucun", "None"),
    "campaigns.preset": ("Partir d'un préréglage de conformité", "Start from a compliance preset"),
    "campaigns.preset.apply": ("Appliquer", "Apply"),
    # step B
    "campaigns.voice.mode": ("Mode d'appel", "Call mode"),
    "campaigns.voice.PREVIEW": ("Preview", "Preview"),
    "campaigns.voice.PROGRESSIVE": ("Progressif", "Progressive"),
    "campaigns.voice.PREDICTIVE": ("Prédictif (abandons ≤ 3 %)", "Predictive (abandons ≤ 3 %)"),
    "campaigns.voice.INBOUND": ("Appels entrants", "Inbound calls"),
    "campaigns.voice.skill": ("Compétence requise (les plus experts d'abord)", "Required skill (most skilled first)"),
    "campaigns.voice.vip_field": ("Champ VIP de la liste (« oui » = priorité)", "VIP list field (\"yes\" = priority)"),
    "campaigns.voice.max_wait": ("Attente maximale d'un appelant (secondes)", "Caller's maximum wait (seconds)"),
    "campaigns.voice.none": ("Aucun(e)", "None"),
    "campaigns.voice.script": ("Script agent", "Agent script"),
    "campaigns.voice.caller_id": ("Numéro présenté", "Caller ID"),
    "campaigns.voice.record": ("Enregistrer les appels (écoute réservée aux superviseurs et administrateurs)",
                               "Record the calls (supervisors and admins only may listen)"),
    "campaigns.voice.caller_id.default": ("Numéro défini dans Paramètres", "Number set in Settings"),
    "campaigns.sms.sender": ("Expéditeur", "Sender"),
    "campaigns.sms.text": ("Message", "Message"),
    "campaigns.sms.segments": ("segment(s)", "segment(s)"),
    "campaigns.sms.cost": ("Coût estimé pour l'audience", "Estimated cost for the audience"),
    "campaigns.variables": ("Variables disponibles", "Available variables"),
    "campaigns.variables.unknown": ("Variable inconnue :", "Unknown variable:"),
    "campaigns.email.sender": ("Expéditeur (adresse email)", "Sender (email address)"),
    "campaigns.email.subject": ("Objet", "Subject"),
    "campaigns.email.html": ("Contenu", "Content"),
    "campaigns.email.text": ("Version texte (laissez vide pour la générer)",
                             "Plain-text part (leave empty to generate it)"),
    "campaigns.email.unsubscribe": ("Un lien de désinscription est ajouté automatiquement en bas "
                                    "de chaque email.",
                                    "An unsubscribe link is added automatically at the bottom "
                                    "of each email."),
    "campaigns.wa.template": ("Modèle approuvé", "Approved template"),
    "campaigns.wa.none": ("Aucun modèle approuvé pour l'instant : ajoutez-en un dans le "
                          "registre des modèles WhatsApp, en bas de la page Campagnes.",
                          "No approved template yet: add one to the WhatsApp template "
                          "registry, at the bottom of the Campaigns page."),
    "campaigns.wa.variable": ("Champ pour", "Field for"),
    "campaigns.wa.media": ("Image ou PDF joint (adresse du fichier)",
                           "Attached image or PDF (file address)"),
    "campaigns.wa.registry": ("Registre des modèles WhatsApp", "WhatsApp template registry"),
    "campaigns.wa.name": ("Nom (minuscules et _)", "Name (lowercase and _)"),
    "campaigns.wa.language": ("Langue", "Language"),
    "campaigns.wa.category": ("Catégorie", "Category"),
    "campaigns.wa.body": ("Corps avec {{1}}, {{2}}…", "Body with {{1}}, {{2}}…"),
    "campaigns.wa.add": ("Ajouter le modèle", "Add template"),
    "campaigns.wa.approve": ("Approuvé", "Approved"),
    "campaigns.wa.submit": ("Soumettre à Meta", "Submit to Meta"),
    "campaigns.wa.submitted": ("Soumis à Meta, décision attendue", "Submitted to Meta, awaiting decision"),
    "campaigns.wa.reject": ("Rejeté", "Rejected"),
    "campaigns.wa.status.PENDING": ("En attente", "Pending"),
    "campaigns.wa.status.APPROVED": ("Approuvé", "Approved"),
    "campaigns.wa.status.REJECTED": ("Rejeté", "Rejected"),
    "campaigns.fallback": ("Canal de secours", "Fallback channel"),
    "campaigns.fallback.help": ("Quand le premier canal échoue (ex. appel sans réponse), "
                                "le second prend le relais.",
                                "When the first channel fails (e.g. unanswered call), the "
                                "second takes over."),
    "campaigns.fallback.none": ("Aucun", "None"),
    "campaigns.fallback.when": ("Si échec du canal", "If this channel fails"),
    "campaigns.fallback.then": ("alors", "then"),
    "campaigns.enabled": ("Activer", "Enable"),
    # step C
    "campaigns.form.fields": ("Champs du formulaire", "Form fields"),
    "campaigns.form.add": ("Ajouter un champ", "Add a field"),
    "campaigns.form.label": ("Libellé", "Label"),
    "campaigns.form.tag": ("Étiquette", "Tag"),
    "campaigns.form.type": ("Type", "Type"),
    "campaigns.form.required": ("Obligatoire", "Required"),
    "campaigns.form.options": ("Choix (séparés par des virgules)", "Choices (comma separated)"),
    "campaigns.form.remove": ("Retirer", "Remove"),
    "campaigns.form.preview": ("Aperçu, tel que l'agent le verra", "Preview, as the agent sees it"),
    "campaigns.form.empty": ("Aucun champ : ajoutez les informations que vos agents doivent "
                             "saisir pendant l'appel.",
                             "No field: add what your agents must enter during the call."),
    "campaigns.form.type.text": ("Texte", "Text"),
    "campaigns.form.type.number": ("Nombre", "Number"),
    "campaigns.form.type.list": ("Liste déroulante", "Drop-down list"),
    "campaigns.form.type.checkbox": ("Case à cocher", "Checkbox"),
    "campaigns.form.type.date": ("Date", "Date"),
    "campaigns.confirm.title": ("Des réponses déjà collectées seraient masquées",
                                "Collected answers would be hidden"),
    "campaigns.confirm.ok": ("Appliquer quand même", "Apply anyway"),
    # step D
    "campaigns.agents": ("Agents", "Agents"),
    "campaigns.agents.none": ("Aucun agent dans votre instance.", "No agent in your instance."),
    "campaigns.teams": ("Équipes", "Teams"),
    "campaigns.teams.none": ("Aucune équipe : créez-en depuis Équipes.",
                             "No team: create one from Teams."),
    "campaigns.lists": ("Listes d'audience (« Prête »)", "Audience lists (ready)"),
    "campaigns.lists.none": ("Aucune liste prête : importez une liste depuis Audience.",
                             "No ready list: import one from Audience."),
    "campaigns.codes": ("Codes de qualification", "Qualification codes"),
    "campaigns.codes.code": ("Code", "Code"),
    "campaigns.codes.label": ("Libellé", "Label"),
    "campaigns.codes.action": ("Action automatique", "Automatic action"),
    "campaigns.codes.template": ("Texte du message envoyé", "Text of the message sent"),
    "campaigns.codes.add": ("Ajouter un code", "Add a code"),
    "campaigns.action.none": ("Aucune", "None"),
    "campaigns.action.email": ("Envoyer un email", "Send an email"),
    "campaigns.action.sms": ("Envoyer un SMS", "Send an SMS"),
    "campaigns.action.callback": ("Planifier un rappel", "Schedule a callback"),
    "campaigns.action.blacklist": ("Ajouter à la liste noire", "Add to the blacklist"),
    "campaigns.caps": ("Plafonds de fréquence (toutes campagnes)", "Frequency caps (all campaigns)"),
    "campaigns.caps.help": ("Nombre maximal de sollicitations d'une même personne, toutes "
                            "campagnes confondues. Les moteurs d'appel et d'envoi les appliquent.",
                            "Most contacts of one person across all campaigns. The dialling "
                            "and sending engines enforce them."),
    "campaigns.caps.channel": ("Canal", "Channel"),
    "campaigns.caps.max": ("Maximum par personne", "Max per person"),
    "campaigns.caps.window": ("Sur (jours)", "Over (days)"),
    "campaigns.caps.cooldown": ("Pause après un refus (jours)", "Pause after a refusal (days)"),
    "campaigns.caps.source": ("Source", "Source"),
    "campaigns.caps.save": ("Enregistrer le plafond", "Save cap"),
    # history
    "campaigns.history": ("Historique des versions", "Version history"),
    "campaigns.history.rollback": ("Revenir à cette version", "Roll back to this version"),
    "campaigns.history.current": ("Version en cours", "Current version"),
    "campaigns.version": ("Version", "Version"),
    # agent page
    "campaigns.agent.title": ("Mes campagnes", "My campaigns"),
    "campaigns.agent.script": ("Script", "Script"),
    "campaigns.agent.form": ("Formulaire", "Form"),
    "campaigns.agent.codes": ("Qualification", "Qualification"),
    "campaigns.agent.live": ("Mis à jour en direct", "Updated live"),
}

# The compliance presets' names: French from the preset's data, English here (one per preset).
_PRESET_NAMES_EN = {"FR_CALLS": "France — telemarketing calls",
                    "CM_SMS": "Cameroon — unsolicited SMS",
                    "SN_SMS": "Senegal — promotional SMS"}
_T.update({f"campaigns.preset.{key}": (preset.label, _PRESET_NAMES_EN[key])
           for key, preset in PRESETS.items()})

FR: dict[str, str] = {key: fr for key, (fr, _) in _T.items()}
EN: dict[str, str] = {key: en for key, (_, en) in _T.items()}
