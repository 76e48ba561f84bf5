"""The texts of the shipped report layouts, marked for translation.

``makemessages`` does not read TOML: every title, description, heading and note of the
layouts beside this module is listed here (a test keeps the two in step), so the catalogue has
them and a report prints them in its reader's language.
"""

# Each message id is the layout's text on one line, so a reader can search for it: long lines.
# ruff: noqa: E501

from __future__ import annotations

from django.utils.translation import gettext_noop

MESSAGES = frozenset(
    {
        # annual.toml
        gettext_noop("Annual report of the central authority"),
        gettext_noop(
            "The requests received and sent in the period, how long they took, what became of them, and the assets recovered."
        ),
        gettext_noop("The year in figures"),
        gettext_noop("Counterpart states"),
        gettext_noop("Offences"),
        gettext_noop("Channels and urgency"),
        gettext_noop("Time taken"),
        gettext_noop("Refusals and postponements"),
        gettext_noop("Asset recovery"),
        gettext_noop("Completeness of the records"),
        # uncac_iv_v.toml
        gettext_noop("UNCAC review mechanism: chapters IV and V"),
        gettext_noop(
            "Mutual legal assistance (art. 46) and extradition (art. 44) figures, and the assets frozen, confiscated and returned (arts. 51 to 59)."
        ),
        gettext_noop("Chapter IV: requests received and sent, by kind"),
        gettext_noop("Chapter IV: counterpart states"),
        gettext_noop("Chapter IV: offences, by ICCS code"),
        gettext_noop("Chapter IV: measures sought and executed"),
        gettext_noop("Chapter IV: time taken, refusals and postponements"),
        gettext_noop(
            "UNCAC art. 46(21) lists the grounds for refusal; art. 46(25) allows postponement."
        ),
        gettext_noop("Chapter V: assets frozen, confiscated and returned"),
        gettext_noop(
            "Returns under UNCAC art. 57 are given net of the reasonable expenses deducted under art. 57(4), which are shown apart."
        ),
        # untoc_review.toml
        gettext_noop("UNTOC review mechanism: international cooperation in criminal matters"),
        gettext_noop(
            "Figures on extradition (art. 16) and mutual legal assistance (art. 18) drawn from the central authority's case records."
        ),
        gettext_noop("Requests received and sent, by kind of cooperation"),
        gettext_noop(
            "Received: requests made to this state; sent: requests this state made to others."
        ),
        gettext_noop("Counterpart states and regions"),
        gettext_noop("Offences, by ICCS section"),
        gettext_noop(
            "Offences are classified by the International Classification of Crime for Statistical Purposes (ICCS)."
        ),
        gettext_noop("Channels of transmission"),
        gettext_noop(
            "UNTOC art. 18(13): requests go between central authorities unless a state declares otherwise; in urgent cases through INTERPOL (art. 18(13))."
        ),
        gettext_noop("Time taken to execute requests"),
        gettext_noop(
            "UNTOC art. 18(21) lists the grounds for refusal; art. 18(23) requires reasons; art. 18(25) allows postponement."
        ),
    }
)
