"""Demonstration casework: a year of requests for the demo authorities, made through the actions.

The French central authority (``fr-bepi``) gets a believable year of work: some 170 incoming
and outgoing requests in every status of the lifecycle, with offences, persons, measures that
have their own statuses, refusals on varied grounds, status requests from the other side
(art. 18(24)), related requests and a few attached documents. The Kenyan, Colombian and
Moroccan authorities get a few requests each, most of them the other side of a French one
(their reference is the French one and the other way round).

Everything is written through ``rogatory.cases.actions`` so that the history, the audit trail
and the derived fields are what real use would have produced; dates are back-dated with the
actions' ``at=``/``on=`` over the twelve months before today. A fixed seed makes the data
the same on every run (only the dates move with today). An authority that already has
requests gets none, so loading twice changes nothing.

All names of people and companies are invented.
"""

from __future__ import annotations

import datetime
import functools
import inspect
import io
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from rogatory.accounts.models import Authority, User
from rogatory.cases.actions import (
    do_add_document,
    do_add_holiday,
    do_add_measure,
    do_answer_follow_up,
    do_change_measure_status,
    do_link_cases,
    do_log_follow_up,
    do_register_case,
    do_transition,
)
from rogatory.cases.choices import (
    Confidentiality,
    CooperationKind,
    Direction,
    DocumentKind,
    FollowUpDirection,
    LinkKind,
    MeasureStatus,
    MeasureType,
    PersonRole,
    RefusalGround,
    Status,
    Urgency,
)
from rogatory.cases.models import Case, Holiday
from rogatory.directory.models import CompetentAuthority
from rogatory.treaties.models import Instrument

SEED = 20_250_611
# How many requests of each final status the French authority gets (before the extra
# supplementary and supporting requests, which add a few open ones).
FR_STATUS_COUNTS: dict[Status, int] = {
    Status.DRAFT: 6,
    Status.SENT: 8,
    Status.RECEIVED: 8,
    Status.ACKNOWLEDGED: 8,
    Status.UNDER_REVIEW: 12,
    Status.INFO_REQUESTED: 7,
    Status.INFO_PROVIDED: 5,
    Status.IN_EXECUTION: 22,
    Status.POSTPONED: 5,
    Status.CONSULTATION: 5,
    Status.PARTIALLY_EXECUTED: 7,
    Status.EXECUTED: 18,
    Status.REFUSED: 10,
    Status.WITHDRAWN: 6,
    Status.CLOSED: 33,
}
# Most a partner authority gets as the other side of French requests, and its own requests.
MIRRORS_PER_PARTNER = 8
PARTNER_OWN_STATUSES = (
    Status.RECEIVED,
    Status.UNDER_REVIEW,
    Status.IN_EXECUTION,
    Status.EXECUTED,
    Status.CLOSED,
    Status.REFUSED,
)

# The furthest back an open request of each status usually started, beyond its own steps.
MAX_SLACK: dict[str, int] = {
    Status.DRAFT: 30,
    Status.SENT: 40,
    Status.RECEIVED: 20,
    Status.ACKNOWLEDGED: 40,
    Status.UNDER_REVIEW: 60,
    Status.INFO_REQUESTED: 60,
    Status.INFO_PROVIDED: 45,
    Status.IN_EXECUTION: 150,
    Status.POSTPONED: 90,
    Status.CONSULTATION: 45,
    Status.PARTIALLY_EXECUTED: 90,
}
OPEN_TARGETS = frozenset(MAX_SLACK) - {Status.DRAFT}

Gap = tuple[int, int]


# --- Who works where -------------------------------------------------------------------------


@dataclass(frozen=True)
class Partner:
    """A demo authority other than the French one: its language, officer, reference style."""

    code: str
    state: str
    lang: str
    officer: str
    reference: Callable[[str, str, int, int], str]  # direction, kind, year, number
    own_counterparts: tuple[str, ...]


KIND_ABBREVIATIONS: dict[str, str] = {
    CooperationKind.MLA: "MLA",
    CooperationKind.EXTRADITION: "EXT",
    CooperationKind.ASSET_RECOVERY: "AR",
    CooperationKind.TRANSFER_OF_SENTENCED_PERSONS: "TSP",
    CooperationKind.TRANSFER_OF_PROCEEDINGS: "TP",
    CooperationKind.OTHER: "OTH",
}


def _fr_reference(direction: str, kind: str, year: int, number: int) -> str:
    # The format do_register_case generates, so that new requests continue the numbering.
    return f"{'IN' if direction == Direction.INCOMING else 'OUT'}-{year}-{number:05d}"


PARTNERS = (
    Partner(
        "ke-odpp",
        "KE",
        "en",
        "wanjiru.officer",
        lambda d, k, y, n: f"ODPP/CA/{KIND_ABBREVIATIONS[k]}/{y}/{n:03d}",
        ("GB", "US", "UG", "TZ", "AE", "ZA"),
    ),
    Partner(
        "co-fgn",
        "CO",
        "es",
        "lucia.officer",
        lambda d, k, y, n: f"DAI-{'AJP' if d == Direction.INCOMING else 'AJA'}-{y}-{n:04d}",
        ("US", "ES", "MX", "PA", "EC", "PE"),
    ),
    Partner(
        "ma-moj",
        "MA",
        "fr",
        "youssef.officer",
        lambda d, k, y, n: f"DAPG/CJI/{y}/{n:04d}",
        ("ES", "BE", "NL", "IT", "SN", "CI"),
    ),
)
FR_CODE = "fr-bepi"
# The French officers and how much of the work each carries; the administrator takes a few.
FR_OFFICERS = (("claire.officer", 50), ("julien.officer", 40), ("anne.admin", 10))

# The language a demo partner writes its authorities' names in.
OWN_LANGUAGE = {"FR": "fr", "MA": "fr", "CO": "es", "KE": "en"}
# States whose requests reach Paris in English; the others come translated into French.
ENGLISH_SPEAKING = frozenset({"GB", "US", "KE", "NG", "UG", "TZ", "ZA", "IN", "AE"})
# States that keep the death penalty in law (for extradition refusals without assurances).
RETENTIONIST = frozenset({"US", "CN", "VN", "AE"})

CENTRAL_AUTHORITIES = {
    "FR": "Ministère de la Justice — Bureau de l'entraide pénale internationale",
    "DE": "Bundesamt für Justiz",
    "ES": "Ministerio de Justicia — Subdirección General de Cooperación Jurídica Internacional",
    "IT": "Ministero della Giustizia — Ufficio II, Cooperazione internazionale",
    "BE": "SPF Justice — Service de la coopération internationale pénale",
    "CH": "Office fédéral de la justice — Entraide judiciaire internationale",
    "GB": "UK Central Authority, Home Office",
    "US": "U.S. Department of Justice — Office of International Affairs",
    "BR": "Ministério da Justiça e Segurança Pública — DRCI",
    "CN": "Ministry of Justice — International Cooperation Department",
    "RU": "Prosecutor General's Office — Main Directorate of International Legal Cooperation",
    "AE": "Ministry of Justice — International Cooperation Department",
    "SN": "Ministère de la Justice — Direction des affaires criminelles et des grâces",
    "CI": "Ministère de la Justice — Direction des affaires civiles et pénales",
    "TN": "Ministère de la Justice — Direction générale des affaires pénales",
    "DZ": "Ministère de la Justice — Direction des affaires pénales et des grâces",
    "LB": "Ministère de la Justice — Parquet général près la Cour de cassation",
    "VN": "Supreme People's Procuracy — International Cooperation Department",
    "UA": "Office of the Prosecutor General — International Legal Cooperation",
    "TR": "Ministry of Justice — Directorate General for Foreign Relations",
    "NG": "Federal Ministry of Justice — Central Authority Unit",
    "NL": "Ministerie van Justitie en Veiligheid — AIRS",
    "LU": "Parquet général — Service de l'entraide judiciaire",
    "UG": "Ministry of Justice and Constitutional Affairs — Central Authority",
    "TZ": "Attorney General's Chambers — Central Authority",
    "ZA": "Department of Justice and Constitutional Development — Central Authority",
    "MX": "Fiscalía General de la República — Asuntos Jurídicos Internacionales",
    "PA": "Ministerio de Relaciones Exteriores — Dirección de Asuntos Jurídicos",
    "EC": "Fiscalía General del Estado — Dirección de Asuntos Internacionales",
    "PE": "Fiscalía de la Nación — Unidad de Cooperación Judicial Internacional",
}
PROSECUTORS = {
    "FR": (
        "Parquet national financier",
        "Juge d'instruction du tribunal judiciaire de Paris",
        "JIRS de Marseille",
    ),
    "DE": ("Staatsanwaltschaft Frankfurt am Main", "Staatsanwaltschaft Hamburg"),
    "ES": (
        "Fiscalía Especial contra la Corrupción y la Criminalidad Organizada",
        "Juzgado Central de Instrucción n.º 5, Audiencia Nacional",
    ),
    "IT": ("Procura della Repubblica di Milano", "Direzione Distrettuale Antimafia di Napoli"),
    "BE": ("Parquet fédéral", "Juge d'instruction de Bruxelles"),
    "CH": ("Ministère public de la Confédération", "Ministère public du canton de Genève"),
    "GB": ("Serious Fraud Office", "Crown Prosecution Service"),
    "US": (
        "U.S. Attorney's Office, Southern District of New York",
        "U.S. Attorney's Office, S.D. Florida",
    ),
    "BR": ("Ministério Público Federal — São Paulo",),
    "CN": ("Shanghai People's Procuratorate",),
    "RU": ("Investigative Committee — Moscow Directorate",),
    "AE": ("Dubai Public Prosecution",),
    "SN": ("Pool judiciaire financier de Dakar",),
    "CI": ("Pôle pénal économique et financier d'Abidjan",),
    "TN": ("Pôle judiciaire économique et financier de Tunis",),
    "DZ": ("Pôle pénal économique et financier d'Alger",),
    "LB": ("Parquet financier de Beyrouth",),
    "VN": ("People's Procuracy of Ho Chi Minh City",),
    "UA": ("Prosecutor's Office of Kyiv", "Cyber Police Department"),
    "TR": ("Istanbul Chief Public Prosecutor's Office",),
    "NG": ("Economic and Financial Crimes Commission", "NAPTIP — Legal and Prosecution Department"),
    "NL": ("Openbaar Ministerie — Landelijk Parket", "Functioneel Parket"),
    "LU": ("Parquet du tribunal d'arrondissement de Luxembourg",),
    "KE": (
        "ODPP — Economic, International and Emerging Crimes Division",
        "Directorate of Criminal Investigations",
    ),
    "CO": (
        "Dirección Especializada contra el Narcotráfico",
        "Dirección Especializada contra la Corrupción",
    ),
    "MA": ("Parquet près la Cour d'appel de Casablanca", "Parquet près la Cour d'appel de Tanger"),
    "UG": ("Office of the Director of Public Prosecutions, Kampala",),
    "TZ": ("National Prosecutions Service",),
    "ZA": ("National Prosecuting Authority — Asset Forfeiture Unit",),
    "MX": ("Fiscalía Especializada en materia de Delincuencia Organizada",),
    "PA": ("Fiscalía Anticorrupción de Panamá",),
    "EC": ("Fiscalía Provincial del Guayas",),
    "PE": ("Fiscalía Supraprovincial Especializada contra la Criminalidad Organizada",),
}
CITIES = {
    "FR": (
        "Paris",
        "Marseille",
        "Lyon",
        "Lille",
        "Nice",
        "Bordeaux",
        "Toulouse",
        "Strasbourg",
        "Nantes",
    ),
    "DE": ("Frankfurt am Main", "Hamburg", "Berlin"),
    "ES": ("Madrid", "Málaga", "Barcelona", "Valencia"),
    "IT": ("Milano", "Roma", "Napoli"),
    "BE": ("Bruxelles", "Anvers", "Liège"),
    "CH": ("Genève", "Zurich", "Lugano"),
    "GB": ("London", "Manchester", "Birmingham"),
    "US": ("New York", "Miami", "Houston"),
    "BR": ("São Paulo", "Rio de Janeiro", "Santos"),
    "CN": ("Shanghai", "Guangzhou", "Shenzhen"),
    "RU": ("Moscow", "Saint Petersburg"),
    "AE": ("Dubai", "Abu Dhabi", "Sharjah"),
    "SN": ("Dakar", "Thiès"),
    "CI": ("Abidjan", "Bouaké"),
    "TN": ("Tunis", "Sfax", "Sousse"),
    "DZ": ("Alger", "Oran"),
    "LB": ("Beyrouth", "Tripoli"),
    "VN": ("Hanoi", "Ho Chi Minh City"),
    "UA": ("Kyiv", "Odesa", "Lviv"),
    "TR": ("Istanbul", "Ankara", "Izmir"),
    "NG": ("Lagos", "Abuja", "Benin City"),
    "NL": ("Rotterdam", "Amsterdam"),
    "LU": ("Luxembourg",),
    "KE": ("Nairobi", "Mombasa", "Kisumu"),
    "CO": ("Bogotá", "Medellín", "Cali", "Cartagena"),
    "MA": ("Casablanca", "Tanger", "Marrakech", "Rabat"),
    "UG": ("Kampala",),
    "TZ": ("Dar es Salaam",),
    "ZA": ("Johannesburg", "Cape Town"),
    "MX": ("Ciudad de México", "Guadalajara"),
    "PA": ("Ciudad de Panamá",),
    "EC": ("Guayaquil", "Quito"),
    "PE": ("Lima",),
}
COMPANY_SUFFIX = {
    "FR": "SAS", "DE": "GmbH", "ES": "S.L.", "IT": "S.r.l.", "BE": "SRL", "CH": "SA", "GB": "Ltd",
    "US": "LLC", "BR": "Ltda", "CN": "Co., Ltd", "RU": "LLC", "AE": "FZE", "SN": "SARL",
    "CI": "SARL", "TN": "SARL", "DZ": "SARL", "LB": "SAL", "VN": "Co., Ltd", "UA": "LLC",
    "TR": "A.Ş.", "NG": "Ltd", "NL": "B.V.", "LU": "S.à r.l.", "KE": "Ltd", "CO": "S.A.S.",
    "MA": "SARL", "UG": "Ltd", "TZ": "Ltd", "ZA": "(Pty) Ltd", "MX": "S.A. de C.V.",
    "PA": "S.A.", "EC": "S.A.", "PE": "S.A.C.",
}  # fmt: skip
COMPANY_STEMS = (
    "Alpha Meridian Trading", "Sirocco Import-Export", "Nordlicht Consulting", "Azur Logistique",
    "Golden Palm General Trading", "Baobab Holdings", "Andes Verde Exportaciones", "Atlas Négoce",
    "Helix Data Services", "Blue Lagoon Shipping", "Cedar Crest Investments", "Kestrel Maritime",
    "Danube Capital Partners", "Orion Fintech", "Savannah Mining Resources", "Lumière Patrimoine",
    "Pegasus Freight", "Solstice Energy Services", "Mistral Immobilier", "Harmattan Commodities",
)  # fmt: skip

# Invented names, by naming tradition; surnames first where that tradition says so.
NAMES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "fr": (
        (
            "Julien",
            "Sophie",
            "Nicolas",
            "Camille",
            "Thomas",
            "Élodie",
            "Mathieu",
            "Isabelle",
            "Laurent",
            "Nathalie",
            "Olivier",
            "Sandrine",
            "Franck",
            "Céline",
            "Romain",
            "Aurélie",
        ),
        (
            "Marchand",
            "Fontaine",
            "Rousseau",
            "Mercier",
            "Garnier",
            "Chevalier",
            "Perrin",
            "Lemaire",
            "Roussel",
            "Guérin",
            "Faure",
            "Lambert",
            "Dumont",
            "Renaud",
            "Picard",
        ),
    ),
    "de": (
        ("Tobias", "Katrin", "Markus", "Anja", "Stefan", "Jana", "Florian", "Sabine"),
        ("Becker", "Schneider", "Hoffmann", "Wagner", "Krüger", "Neumann", "Hartmann"),
    ),
    "es": (
        ("Javier", "Lucía", "Andrés", "Marta", "Diego", "Paula", "Carlos", "Valentina", "Sergio"),
        ("García", "Herrera", "Castillo", "Ramírez", "Morales", "Ortega", "Vargas", "Jiménez"),
    ),
    "it": (
        ("Marco", "Giulia", "Luca", "Francesca", "Alessandro", "Chiara"),
        ("Rossi", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Greco"),
    ),
    "en": (
        ("James", "Sarah", "Daniel", "Emily", "Michael", "Rachel", "Andrew", "Laura"),
        ("Thompson", "Walker", "Hughes", "Carter", "Bennett", "Mitchell", "Fletcher"),
    ),
    "pt": (
        ("João", "Ana", "Rafael", "Mariana", "Bruno", "Fernanda"),
        ("Silva", "Souza", "Oliveira", "Pereira", "Costa", "Almeida", "Carvalho"),
    ),
    "zh": (
        ("Wei", "Na", "Jun", "Xiaoling", "Hao", "Min"),
        ("ZHANG", "WANG", "CHEN", "LIU", "ZHAO"),
    ),
    "ru": (("Dmitri", "Sergei", "Alexei", "Pavel"), ("Ivanov", "Smirnov", "Kuznetsov", "Volkov")),
    "uk": (
        ("Andriy", "Taras", "Oleksandr", "Iryna", "Oksana"),
        ("Kovalenko", "Bondarenko", "Tkachenko", "Melnyk"),
    ),
    "ar": (
        ("Karim", "Nadia", "Mehdi", "Samira", "Hicham", "Leïla", "Rachid", "Yasmine", "Omar"),
        ("Haddad", "Mansouri", "Bouzid", "Saïdi", "Khoury", "Chaabane", "Belkacem", "Amrani"),
    ),
    "wa": (
        ("Moussa", "Aminata", "Cheikh", "Fatou", "Ibrahima", "Awa", "Kouassi", "Adjoua"),
        ("Diop", "Ndiaye", "Fall", "Sow", "Koné", "Traoré", "Kouamé", "Ouattara"),
    ),
    "ng": (
        ("Chinedu", "Ngozi", "Emeka", "Blessing", "Tunde", "Funmilayo"),
        ("Okafor", "Adeyemi", "Eze", "Balogun", "Nwosu", "Okonkwo"),
    ),
    "ea": (
        ("Brian", "Faith", "Kevin", "Mercy", "Dennis", "Esther"),
        ("Mwangi", "Otieno", "Kiprop", "Wambui", "Kariuki", "Chebet"),
    ),
    "vn": (
        ("Van Minh", "Thi Lan", "Quang Huy", "Thi Thu", "Duc Anh"),
        ("NGUYEN", "TRAN", "LE", "PHAM", "HOANG"),
    ),
    "tr": (
        ("Emre", "Ayşe", "Murat", "Elif", "Burak"),
        ("Yılmaz", "Kaya", "Demir", "Şahin", "Çelik"),
    ),
    "nl": (("Daan", "Sanne", "Joost", "Eva"), ("de Vries", "Jansen", "Bakker", "Visser")),
}
NAMING = {
    "FR": "fr", "BE": "fr", "CH": "fr", "LU": "fr", "DE": "de", "ES": "es", "CO": "es",
    "MX": "es", "PA": "es", "EC": "es", "PE": "es", "IT": "it", "GB": "en", "US": "en",
    "ZA": "en", "BR": "pt", "CN": "zh", "RU": "ru", "UA": "uk", "AE": "ar", "TN": "ar",
    "DZ": "ar", "LB": "ar", "MA": "ar", "SN": "wa", "CI": "wa", "NG": "ng", "KE": "ea",
    "UG": "ea", "TZ": "ea", "VN": "vn", "TR": "tr", "NL": "nl",
}  # fmt: skip
SURNAME_FIRST = frozenset({"zh", "vn"})


# --- What the requests are about -------------------------------------------------------------


@dataclass(frozen=True)
class Theme:
    """A kind of criminality, with its offences, texts in three languages and usual partners."""

    key: str
    iccs: str
    # National offence name and provision, by state; "*" is used where we know no better.
    offences: dict[str, tuple[str, str]]
    short: dict[str, str]
    subjects: dict[str, tuple[str, ...]]
    facts: dict[str, str]
    purpose: dict[str, str]
    measures: tuple[str, ...]
    counterparts: tuple[str, ...]
    instrument: str = ""
    note: str = ""
    # A second offence charged alongside under French law (name, provision, ICCS).
    extra_fr: tuple[str, str, str] | None = None
    weight: int = 10


THEMES = (
    Theme(
        "laundering",
        "07041",
        {
            "FR": ("Blanchiment aggravé", "Code pénal, art. 324-1 et 324-2"),
            "DE": ("Geldwäsche", "StGB, § 261"),
            "ES": ("Blanqueo de capitales", "Código Penal, art. 301"),
            "IT": ("Riciclaggio", "Codice penale, art. 648-bis"),
            "CH": ("Blanchiment d'argent", "Code pénal suisse, art. 305bis"),
            "BE": ("Blanchiment", "Code pénal, art. 505"),
            "LU": ("Blanchiment", "Code pénal, art. 506-1"),
            "GB": ("Concealing criminal property", "Proceeds of Crime Act 2002, s. 327"),
            "US": ("Laundering of monetary instruments", "18 U.S.C. § 1956"),
            "KE": ("Money laundering", "Proceeds of Crime and Anti-Money Laundering Act, s. 3"),
            "CO": ("Lavado de activos", "Código Penal, art. 323"),
            "MA": ("Blanchiment de capitaux", "Code pénal, art. 574-1"),
            "TR": ("Suçtan kaynaklanan malvarlığı değerlerini aklama", "Türk Ceza Kanunu, m. 282"),
            "BR": ("Lavagem de dinheiro", "Lei n.º 9.613/1998, art. 1.º"),
            "*": ("Money laundering", ""),
        },
        {"fr": "blanchiment", "en": "money laundering", "es": "lavado de activos"},
        {
            "fr": (
                "Blanchiment du produit d'un trafic de stupéfiants via la société {company}",
                "Blanchiment aggravé : flux financiers suspects transitant par {company}",
                "Blanchiment en bande organisée — acquisitions immobilières de {person}",
            ),
            "en": (
                "Laundering of drug proceeds through {company}",
                "Money laundering: suspicious transfers routed through {company}",
                "Laundering of criminal proceeds through real estate bought by {person}",
            ),
            "es": (
                "Lavado de activos del narcotráfico a través de {company}",
                "Lavado de activos: transferencias sospechosas canalizadas por {company}",
                "Lavado de activos mediante inversiones inmobiliarias de {person}",
            ),
        },
        {
            "fr": "Entre 2021 et 2024, {person} aurait fait transiter plus de {amount} € par les "
            "comptes de la société {company}, sans justification économique, avant de les "
            "réinvestir dans l'immobilier. Les fonds proviendraient d'un trafic de stupéfiants.",
            "en": "Between 2021 and 2024 {person} allegedly moved more than EUR {amount} through "
            "accounts held by {company}, with no economic rationale, and reinvested the funds in "
            "real estate. The funds are believed to derive from drug trafficking.",
            "es": "Entre 2021 y 2024, {person} habría canalizado más de {amount} EUR por las "
            "cuentas de {company}, sin justificación económica, para reinvertirlos en inmuebles. "
            "Los fondos procederían del narcotráfico.",
        },
        {
            "fr": "Identifier les bénéficiaires effectifs, retracer les flux et saisir les avoirs "
            "en vue de leur confiscation.",
            "en": "To identify the beneficial owners, trace the flows and seize the assets with a "
            "view to confiscation.",
            "es": "Identificar a los beneficiarios finales, rastrear los flujos y embargar los "
            "activos con miras a su decomiso.",
        },
        (
            MeasureType.BANK_RECORDS,
            MeasureType.TRACING_PROCEEDS,
            MeasureType.FREEZING,
            MeasureType.RECORDS,
            MeasureType.TAKING_EVIDENCE,
        ),
        ("AE", "CH", "LB", "LU", "GB", "BE", "TR", "CO", "US"),
        instrument="untoc",
        extra_fr=("Association de malfaiteurs", "Code pénal, art. 450-1", "09051"),
        weight=16,
    ),
    Theme(
        "bribery",
        "07031",
        {
            "FR": ("Corruption d'agent public étranger", "Code pénal, art. 435-3"),
            "GB": ("Bribery of foreign public officials", "Bribery Act 2010, s. 6"),
            "US": ("Foreign bribery", "15 U.S.C. § 78dd-2"),
            "KE": ("Receiving a bribe", "Bribery Act 2016, s. 6"),
            "CO": ("Cohecho por dar u ofrecer", "Código Penal, art. 407"),
            "MA": ("Corruption", "Code pénal, art. 248"),
            "DE": ("Bestechung", "StGB, § 334"),
            "ES": ("Cohecho", "Código Penal, art. 424"),
            "CH": ("Corruption d'agents publics étrangers", "Code pénal suisse, art. 322septies"),
            "*": ("Bribery of a public official", ""),
        },
        {"fr": "corruption", "en": "bribery", "es": "cohecho"},
        {
            "fr": (
                "Corruption d'agents publics étrangers — marché public attribué à {company}",
                "Versements occultes d'un intermédiaire de {company} à des décideurs publics",
            ),
            "en": (
                "Bribery of public officials in a tender won by {company}",
                "Hidden payments by an agent of {company} to public decision-makers",
            ),
            "es": (
                "Cohecho de funcionarios públicos en una licitación adjudicada a {company}",
                "Pagos ocultos de un intermediario de {company} a funcionarios públicos",
            ),
        },
        {
            "fr": "La société {company} aurait versé {amount} € de commissions, par "
            "l'intermédiaire de {person}, à des agents publics chargés d'attribuer un "
            "marché d'infrastructures.",
            "en": "{company} allegedly paid EUR {amount} in commissions, through {person}, to "
            "public officials in charge of awarding an infrastructure contract.",
            "es": "{company} habría pagado {amount} EUR en comisiones, a través de {person}, a "
            "funcionarios encargados de adjudicar un contrato de infraestructura.",
        },
        {
            "fr": "Établir le circuit des commissions et l'identité des bénéficiaires finaux.",
            "en": "To establish the path of the commissions and identify the final recipients.",
            "es": "Establecer el circuito de las comisiones e identificar a los beneficiarios.",
        },
        (
            MeasureType.BANK_RECORDS,
            MeasureType.RECORDS,
            MeasureType.TAKING_EVIDENCE,
            MeasureType.SEARCH_AND_SEIZURE,
            MeasureType.VIDEOCONFERENCE,
        ),
        ("SN", "CI", "KE", "CH", "US", "GB", "AE", "CO", "MA"),
        instrument="uncac",
        extra_fr=("Blanchiment", "Code pénal, art. 324-1", "07041"),
        weight=12,
    ),
    Theme(
        "embezzlement",
        "07032",
        {
            "FR": ("Recel de détournement de fonds publics", "Code pénal, art. 321-1 et 432-15"),
            "KE": (
                "Embezzlement of public funds",
                "Anti-Corruption and Economic Crimes Act, s. 45",
            ),
            "CO": ("Peculado por apropiación", "Código Penal, art. 397"),
            "MA": ("Détournement de deniers publics", "Code pénal, art. 241"),
            "SN": ("Détournement de deniers publics", "Code pénal, art. 152"),
            "*": ("Embezzlement of public funds", ""),
        },
        {"fr": "détournement de fonds publics", "en": "embezzlement", "es": "peculado"},
        {
            "fr": (
                "Détournement de fonds publics et placement des avoirs en France par {person}",
                "Biens mal acquis : patrimoine immobilier de {person} à Paris",
            ),
            "en": (
                "Embezzlement of public funds and investment of the proceeds by {person}",
                "Proceeds of embezzlement held through {company}",
            ),
            "es": (
                "Peculado y colocación de los fondos en el extranjero por {person}",
                "Bienes mal habidos de {person} a través de {company}",
            ),
        },
        {
            "fr": "{person}, qui dirigeait un établissement public, aurait détourné "
            "{amount} € de fonds publics et acquis des biens immobiliers par l'intermédiaire "
            "de {company}.",
            "en": "{person}, a former director of a state enterprise, allegedly diverted EUR "
            "{amount} of public funds and bought property through {company}.",
            "es": "{person}, quien dirigía una empresa estatal, habría desviado {amount} EUR de "
            "fondos públicos y adquirido inmuebles a través de {company}.",
        },
        {
            "fr": "Identifier, geler puis confisquer les avoirs en vue de leur restitution.",
            "en": "To identify, freeze and confiscate the assets with a view to their return.",
            "es": "Identificar, congelar y decomisar los activos con miras a su restitución.",
        },
        (
            MeasureType.TRACING_PROCEEDS,
            MeasureType.FREEZING,
            MeasureType.BANK_RECORDS,
            MeasureType.RECORDS,
        ),
        ("SN", "CI", "TN", "DZ", "LB", "KE", "UA", "MA"),
        instrument="uncac",
        weight=8,
    ),
    Theme(
        "drugs",
        "06012",
        {
            "FR": ("Importation de stupéfiants en bande organisée", "Code pénal, art. 222-36"),
            "ES": ("Tráfico de drogas", "Código Penal, art. 368"),
            "CO": ("Tráfico, fabricación o porte de estupefacientes", "Código Penal, art. 376"),
            "MA": ("Trafic de stupéfiants", "Dahir du 21 mai 1974, art. 2"),
            "BR": ("Tráfico ilícito de drogas", "Lei n.º 11.343/2006, art. 33"),
            "US": ("Distribution of controlled substances", "21 U.S.C. § 841"),
            "DE": ("Unerlaubtes Handeltreiben mit Betäubungsmitteln", "BtMG, § 29"),
            "IT": ("Traffico illecito di sostanze stupefacenti", "D.P.R. 309/1990, art. 73"),
            "NL": ("Invoer van harddrugs", "Opiumwet, art. 2 en 10"),
            "*": ("Drug trafficking", ""),
        },
        {"fr": "trafic de stupéfiants", "en": "drug trafficking", "es": "narcotráfico"},
        {
            "fr": (
                "Importation de cocaïne par conteneurs maritimes — réseau de {person}",
                "Saisie de {kilos} kg de cocaïne au port du Havre",
                "Trafic de résine de cannabis par go-fast entre l'Espagne et la France",
            ),
            "en": (
                "Cocaine shipments in maritime containers — network of {person}",
                "Seizure of {kilos} kg of cocaine concealed in a shipment of {company}",
            ),
            "es": (
                "Envío de cocaína en contenedores marítimos — red de {person}",
                "Incautación de {kilos} kg de cocaína en un envío de {company}",
            ),
        },
        {
            "fr": "{kilos} kg de cocaïne ont été découverts dans un conteneur expédié par la "
            "société {company}. L'enquête met en cause {person}, qui aurait organisé l'envoi.",
            "en": "{kilos} kg of cocaine were found in a container shipped by {company}. The "
            "investigation points to {person} as the organiser.",
            "es": "Se hallaron {kilos} kg de cocaína en un contenedor enviado por {company}. La "
            "investigación apunta a {person}, que habría organizado el envío.",
        },
        {
            "fr": "Identifier les membres du réseau et recueillir les preuves de l'importation.",
            "en": "To identify the members of the network and gather evidence of the import.",
            "es": "Identificar a los miembros de la red y reunir pruebas de la importación.",
        },
        (
            MeasureType.SEARCH_AND_SEIZURE,
            MeasureType.TAKING_EVIDENCE,
            MeasureType.RECORDS,
            MeasureType.EXAMINATION,
            MeasureType.VIDEOCONFERENCE,
        ),
        ("CO", "MA", "BR", "ES", "NL", "DE", "CI", "SN", "KE", "US"),
        instrument="drugs-1988",
        extra_fr=("Association de malfaiteurs", "Code pénal, art. 450-1", "09051"),
        weight=18,
    ),
    Theme(
        "fraud",
        "07011",
        {
            "FR": ("Escroquerie en bande organisée", "Code pénal, art. 313-1 et 313-2"),
            "DE": ("Betrug", "StGB, § 263"),
            "BE": ("Escroquerie", "Code pénal, art. 496"),
            "GB": ("Fraud by false representation", "Fraud Act 2006, s. 2"),
            "US": ("Wire fraud", "18 U.S.C. § 1343"),
            "CH": ("Escroquerie", "Code pénal suisse, art. 146"),
            "ES": ("Estafa", "Código Penal, art. 248"),
            "IT": ("Truffa", "Codice penale, art. 640"),
            "*": ("Fraud", ""),
        },
        {"fr": "escroquerie", "en": "fraud", "es": "estafa"},
        {
            "fr": (
                "Escroquerie aux faux ordres de virement au préjudice de {company}",
                "Fraude au placement en crypto-actifs : {victims} victimes en France",
                "Escroquerie à la TVA sur les quotas carbone — société {company}",
            ),
            "en": (
                "Business e-mail compromise fraud against {company}",
                "Investment fraud in crypto-assets: {victims} victims",
            ),
            "es": (
                "Estafa mediante falsas órdenes de transferencia contra {company}",
                "Estafa de inversión en criptoactivos: {victims} víctimas",
            ),
        },
        {
            "fr": "Se faisant passer pour le dirigeant de {company}, les auteurs ont obtenu des "
            "virements de {amount} € vers des comptes ouverts au nom de {person}.",
            "en": "Posing as the chief executive of {company}, the offenders obtained transfers of "
            "EUR {amount} to accounts opened in the name of {person}.",
            "es": "Haciéndose pasar por el director de {company}, los autores obtuvieron "
            "transferencias de {amount} EUR a cuentas abiertas a nombre de {person}.",
        },
        {
            "fr": "Identifier les titulaires des comptes destinataires et bloquer les fonds.",
            "en": "To identify the holders of the receiving accounts and block the funds.",
            "es": "Identificar a los titulares de las cuentas receptoras y bloquear los fondos.",
        },
        (
            MeasureType.BANK_RECORDS,
            MeasureType.FREEZING,
            MeasureType.INFORMATION_AND_EXPERTISE,
            MeasureType.TAKING_EVIDENCE,
            MeasureType.SERVICE_OF_DOCUMENTS,
        ),
        ("BE", "DE", "ES", "IT", "CH", "GB", "CI", "CN", "TR", "US"),
        instrument="untoc",
        extra_fr=("Blanchiment", "Code pénal, art. 324-1", "07041"),
        weight=15,
    ),
    Theme(
        "cyber",
        "090321",
        {
            "FR": (
                "Entrave au fonctionnement d'un système de traitement automatisé de données en "
                "bande organisée",
                "Code pénal, art. 323-2 et 323-4-1",
            ),
            "US": ("Fraud and related activity in connection with computers", "18 U.S.C. § 1030"),
            "DE": ("Computersabotage", "StGB, § 303b"),
            "GB": (
                "Unauthorised acts with intent to impair operation of computer",
                "Computer Misuse Act 1990, s. 3",
            ),
            "UA": ("Unauthorised interference with information systems", "Criminal Code, art. 361"),
            "*": ("Unlawful interference with a computer system", ""),
        },
        {"fr": "rançongiciel", "en": "ransomware", "es": "ransomware"},
        {
            "fr": (
                "Rançongiciel : chiffrement des serveurs de {company} et demande de rançon",
                "Hameçonnage bancaire à grande échelle — infrastructure hébergée à l'étranger",
                "Attaque par rançongiciel contre le centre hospitalier de {city}",
            ),
            "en": (
                "Ransomware attack on the servers of {company}",
                "Phishing campaign run from servers rented by {person}",
            ),
            "es": (
                "Ataque de ransomware contra los servidores de {company}",
                "Campaña de phishing desde servidores alquilados por {person}",
            ),
        },
        {
            "fr": "Les serveurs de {company} ont été chiffrés et une rançon de {amount} € en "
            "crypto-actifs réclamée. L'infrastructure d'attaque est louée par {person}.",
            "en": "The servers of {company} were encrypted and a ransom of EUR {amount} in crypto-"
            "assets demanded. The attack infrastructure is rented by {person}.",
            "es": "Los servidores de {company} fueron cifrados y se exigió un rescate de {amount} "
            "EUR en criptoactivos. La infraestructura la alquila {person}.",
        },
        {
            "fr": "Obtenir les données d'abonnés et de connexion et saisir les serveurs.",
            "en": "To obtain subscriber and traffic data and seize the servers.",
            "es": "Obtener datos de abonados y de tráfico e incautar los servidores.",
        },
        (
            MeasureType.INFORMATION_AND_EXPERTISE,
            MeasureType.SEARCH_AND_SEIZURE,
            MeasureType.RECORDS,
            MeasureType.FREEZING,
        ),
        ("UA", "US", "DE", "RU", "VN", "NG", "GB", "NL"),
        note="Convention sur la cybercriminalité (STE n° 185)",
        weight=10,
    ),
    Theme(
        "tip",
        "02041",
        {
            "FR": ("Traite des êtres humains aggravée", "Code pénal, art. 225-4-1 et 225-4-2"),
            "NG": (
                "Trafficking in persons",
                "Trafficking in Persons (Prohibition) Enforcement and Administration Act 2015",
            ),
            "ES": ("Trata de seres humanos", "Código Penal, art. 177 bis"),
            "IT": ("Tratta di persone", "Codice penale, art. 601"),
            "BE": ("Traite des êtres humains", "Code pénal, art. 433quinquies"),
            "*": ("Trafficking in persons for sexual exploitation", ""),
        },
        {
            "fr": "traite des êtres humains",
            "en": "trafficking in persons",
            "es": "trata de personas",
        },
        {
            "fr": (
                "Traite des êtres humains aux fins d'exploitation sexuelle — réseau de {person}",
                "Exploitation de {victims} victimes recrutées par de fausses offres d'emploi",
            ),
            "en": (
                "Trafficking in persons for sexual exploitation — network of {person}",
                "Exploitation of {victims} victims recruited through fake job offers",
            ),
            "es": (
                "Trata de personas con fines de explotación sexual — red de {person}",
                "Explotación de {victims} víctimas captadas con falsas ofertas de empleo",
            ),
        },
        {
            "fr": "Au moins {victims} femmes ont été recrutées par de fausses promesses d'emploi "
            "puis exploitées en France. {person} organiserait le recrutement et les transferts.",
            "en": "At least {victims} women were recruited with false job offers and exploited in "
            "Europe. {person} allegedly organised the recruitment and the money transfers.",
            "es": "Al menos {victims} mujeres fueron captadas con falsas ofertas de empleo y "
            "explotadas. {person} organizaría la captación y las transferencias.",
        },
        {
            "fr": "Entendre les victimes, identifier les recruteurs et tracer les transferts.",
            "en": "To hear the victims, identify the recruiters and trace the transfers.",
            "es": "Escuchar a las víctimas, identificar a los captadores y rastrear los envíos.",
        },
        (
            MeasureType.TAKING_EVIDENCE,
            MeasureType.VIDEOCONFERENCE,
            MeasureType.BANK_RECORDS,
            MeasureType.SEARCH_AND_SEIZURE,
        ),
        ("NG", "CN", "VN", "BR", "ES", "BE", "IT", "KE"),
        instrument="untoc-tip",
        weight=8,
    ),
    Theme(
        "homicide",
        "0101",
        {
            "FR": ("Assassinat", "Code pénal, art. 221-3"),
            "DE": ("Mord", "StGB, § 211"),
            "ES": ("Asesinato", "Código Penal, art. 139"),
            "IT": ("Omicidio", "Codice penale, art. 575"),
            "BR": ("Homicídio qualificado", "Código Penal, art. 121, § 2.º"),
            "CH": ("Assassinat", "Code pénal suisse, art. 112"),
            "*": ("Murder", ""),
        },
        {"fr": "homicide", "en": "homicide", "es": "homicidio"},
        {
            "fr": (
                "Assassinat de {victim} à {city} — recherche de l'auteur présumé",
                "Règlement de comptes à {city} : homicide de {victim}",
            ),
            "en": ("Murder of {victim} in {city}", "Fatal shooting of {victim} in {city}"),
            "es": ("Homicidio de {victim} en {city}", "Asesinato de {victim} en {city}"),
        },
        {
            "fr": "{victim} a trouvé la mort par balle à {city}. La téléphonie situe {person} sur "
            "les lieux ; la personne aurait quitté le territoire le lendemain des faits.",
            "en": "{victim} was shot dead in {city}. {person}, identified from phone records, "
            "allegedly left the country the day after.",
            "es": "{victim} murió por disparos en {city}. La telefonía sitúa a {person} en el "
            "lugar; habría salido del país al día siguiente.",
        },
        {
            "fr": "Recueillir les témoignages et les données téléphoniques ; localiser l'auteur.",
            "en": "To obtain witness statements and phone data and locate the offender.",
            "es": "Obtener testimonios y datos telefónicos y localizar al autor.",
        },
        (
            MeasureType.TAKING_EVIDENCE,
            MeasureType.INFORMATION_AND_EXPERTISE,
            MeasureType.EXAMINATION,
            MeasureType.VIDEOCONFERENCE,
        ),
        ("DE", "ES", "IT", "BE", "CH", "BR", "TR", "DZ", "TN"),
        note="Convention européenne d'entraide judiciaire en matière pénale (STE n° 30)",
        weight=8,
    ),
    Theme(
        "smuggling",
        "08051",
        {
            "FR": (
                "Aide à l'entrée et au séjour irréguliers en bande organisée",
                "CESEDA, art. L. 823-1",
            ),
            "GB": ("Assisting unlawful immigration", "Immigration Act 1971, s. 25"),
            "IT": ("Favoreggiamento dell'immigrazione clandestina", "D.Lgs. 286/1998, art. 12"),
            "*": ("Smuggling of migrants", ""),
        },
        {"fr": "trafic de migrants", "en": "migrant smuggling", "es": "tráfico de migrantes"},
        {
            "fr": ("Traversées de la Manche en small boats organisées par le réseau de {person}",),
            "en": ("Small-boat Channel crossings organised by the network of {person}",),
            "es": ("Tráfico de migrantes organizado por la red de {person}",),
        },
        {
            "fr": "Le réseau de {person} aurait organisé au moins {victims} traversées, payées en "
            "espèces et par transferts informels (hawala).",
            "en": "The network of {person} allegedly organised at least {victims} crossings, paid "
            "in cash and through informal transfers (hawala).",
            "es": "La red de {person} habría organizado al menos {victims} travesías, pagadas en "
            "efectivo y mediante transferencias informales.",
        },
        {
            "fr": "Identifier les passeurs et les circuits de paiement.",
            "en": "To identify the smugglers and the payment channels.",
            "es": "Identificar a los traficantes y los circuitos de pago.",
        },
        (MeasureType.TAKING_EVIDENCE, MeasureType.RECORDS, MeasureType.SEARCH_AND_SEIZURE),
        ("GB", "IT", "TR", "TN", "DZ", "VN", "BE"),
        instrument="untoc-som",
        weight=5,
    ),
    Theme(
        "terrorism_financing",
        "09062",
        {
            "FR": ("Financement d'entreprise terroriste", "Code pénal, art. 421-2-2"),
            "*": ("Financing of terrorism", ""),
        },
        {
            "fr": "financement du terrorisme",
            "en": "terrorist financing",
            "es": "financiación del terrorismo",
        },
        {
            "fr": ("Financement d'une entreprise terroriste par collectes en ligne",),
            "en": ("Terrorist financing through online fundraising",),
            "es": ("Financiación del terrorismo mediante colectas en línea",),
        },
        {
            "fr": "{person} aurait collecté {amount} € via des cagnottes en ligne et les aurait "
            "transférés à des combattants par l'intermédiaire de {company}.",
            "en": "{person} allegedly raised EUR {amount} through online fundraisers and sent "
            "them to fighters through {company}.",
            "es": "{person} habría recaudado {amount} EUR mediante colectas en línea y los habría "
            "enviado a combatientes a través de {company}.",
        },
        {
            "fr": "Retracer les fonds et identifier les donateurs et destinataires.",
            "en": "To trace the funds and identify donors and recipients.",
            "es": "Rastrear los fondos e identificar a donantes y destinatarios.",
        },
        (MeasureType.BANK_RECORDS, MeasureType.INFORMATION_AND_EXPERTISE, MeasureType.FREEZING),
        ("TR", "LB", "AE", "BE", "DZ", "TN"),
        note="Convention internationale pour la répression du financement du terrorisme (1999)",
        weight=4,
    ),
    Theme(
        "cultural_property",
        "07042",
        {
            "FR": (
                "Recel de biens culturels en bande organisée",
                "Code pénal, art. 321-1 et 322-3-2",
            ),
            "*": ("Trafficking in cultural property", ""),
        },
        {
            "fr": "trafic de biens culturels",
            "en": "trafficking in cultural property",
            "es": "tráfico de bienes culturales",
        },
        {
            "fr": ("Trafic d'antiquités pillées — pièces vendues par la galerie {company}",),
            "en": ("Looted antiquities sold through the gallery {company}",),
            "es": ("Antigüedades saqueadas vendidas por la galería {company}",),
        },
        {
            "fr": "Des antiquités pillées ont été vendues aux enchères par {company} avec de faux "
            "certificats d'origine établis par {person}.",
            "en": "Looted antiquities were auctioned by {company} with false provenance "
            "certificates drawn up by {person}.",
            "es": "Antigüedades saqueadas se subastaron por {company} con falsos certificados "
            "de procedencia elaborados por {person}.",
        },
        {
            "fr": "Saisir les pièces et établir leur provenance.",
            "en": "To seize the items and establish their provenance.",
            "es": "Incautar las piezas y establecer su procedencia.",
        },
        (MeasureType.SEARCH_AND_SEIZURE, MeasureType.RECORDS, MeasureType.EXAMINATION),
        ("LB", "IT", "CH", "US", "BE"),
        instrument="untoc",
        weight=3,
    ),
    Theme(
        "tax_fraud",
        "08041",
        {
            "FR": ("Blanchiment de fraude fiscale", "Code pénal, art. 324-1 ; CGI, art. 1741"),
            "*": ("Tax evasion", ""),
        },
        {"fr": "fraude fiscale", "en": "tax evasion", "es": "fraude fiscal"},
        {
            "fr": ("Fraude fiscale aggravée : avoirs dissimulés par {person} via {company}",),
            "en": ("Tax evasion: assets concealed by {person} through {company}",),
            "es": ("Fraude fiscal: activos ocultados por {person} a través de {company}",),
        },
        {
            "fr": "{person} aurait dissimulé au fisc {amount} € de revenus en les logeant dans "
            "une société-écran, {company}.",
            "en": "{person} allegedly hid EUR {amount} of income from the tax authorities in a "
            "shell company, {company}.",
            "es": "{person} habría ocultado al fisco {amount} EUR de ingresos en una sociedad "
            "pantalla, {company}.",
        },
        {
            "fr": "Obtenir les documents bancaires et sociaux (l'infraction fiscale n'est pas un "
            "motif de refus, art. 18(22)).",
            "en": "To obtain bank and company records (a fiscal offence is no ground for refusal, "
            "art. 18(22)).",
            "es": "Obtener documentos bancarios y societarios (el delito fiscal no es motivo de "
            "denegación, art. 18(22)).",
        },
        (MeasureType.BANK_RECORDS, MeasureType.RECORDS),
        ("CH", "LU", "AE", "BE", "GB"),
        instrument="untoc",
        weight=4,
    ),
)
THEMES_BY_KEY = {t.key: t for t in THEMES}
# Themes that suit each kind of request other than mutual legal assistance.
KIND_THEMES: dict[str, tuple[str, ...]] = {
    CooperationKind.EXTRADITION: ("drugs", "homicide", "fraud", "tip", "laundering", "cyber"),
    CooperationKind.ASSET_RECOVERY: ("embezzlement", "bribery", "laundering"),
    CooperationKind.TRANSFER_OF_SENTENCED_PERSONS: ("drugs", "homicide", "tip"),
    CooperationKind.TRANSFER_OF_PROCEEDINGS: ("fraud", "homicide", "drugs", "smuggling"),
}
KIND_WEIGHTS = (
    (CooperationKind.MLA, 68),
    (CooperationKind.EXTRADITION, 14),
    (CooperationKind.ASSET_RECOVERY, 8),
    (CooperationKind.TRANSFER_OF_SENTENCED_PERSONS, 5),
    (CooperationKind.TRANSFER_OF_PROCEEDINGS, 5),
)
KIND_MEASURES: dict[str, tuple[str, ...]] = {
    CooperationKind.EXTRADITION: (MeasureType.PROVISIONAL_ARREST, MeasureType.SURRENDER),
    CooperationKind.ASSET_RECOVERY: (
        MeasureType.TRACING_PROCEEDS,
        MeasureType.FREEZING,
        MeasureType.CONFISCATION,
        MeasureType.RETURN_OF_ASSETS,
    ),
    CooperationKind.TRANSFER_OF_SENTENCED_PERSONS: (MeasureType.TRANSFER_OF_SENTENCED_PERSON,),
    CooperationKind.TRANSFER_OF_PROCEEDINGS: (
        MeasureType.TRANSFER_OF_PROCEEDINGS,
        MeasureType.RECORDS,
    ),
}
KIND_ARTICLES: dict[str, dict[str, str]] = {
    "untoc": {
        CooperationKind.MLA: "18",
        CooperationKind.EXTRADITION: "16",
        CooperationKind.ASSET_RECOVERY: "13",
        CooperationKind.TRANSFER_OF_SENTENCED_PERSONS: "17",
        CooperationKind.TRANSFER_OF_PROCEEDINGS: "21",
    },
    "uncac": {
        CooperationKind.MLA: "46",
        CooperationKind.EXTRADITION: "44",
        CooperationKind.ASSET_RECOVERY: "55",
        CooperationKind.TRANSFER_OF_SENTENCED_PERSONS: "45",
        CooperationKind.TRANSFER_OF_PROCEEDINGS: "47",
    },
    "drugs-1988": {
        CooperationKind.MLA: "7",
        CooperationKind.EXTRADITION: "6",
        CooperationKind.ASSET_RECOVERY: "5",
        CooperationKind.TRANSFER_OF_PROCEEDINGS: "8",
    },
}
KIND_SUBJECTS: dict[str, dict[str, str]] = {
    CooperationKind.EXTRADITION: {
        "fr": "Extradition de {person} — {short}",
        "en": "Extradition of {person} — {short}",
        "es": "Extradición de {person} — {short}",
    },
    CooperationKind.ASSET_RECOVERY: {
        "fr": "Recouvrement d'avoirs — {short} ({company})",
        "en": "Asset recovery — {short} ({company})",
        "es": "Recuperación de activos — {short} ({company})",
    },
    CooperationKind.TRANSFER_OF_SENTENCED_PERSONS: {
        "fr": "Transfèrement de {person} (condamnation pour {short})",
        "en": "Transfer of {person}, sentenced for {short}",
        "es": "Traslado de {person} (condena por {short})",
    },
    CooperationKind.TRANSFER_OF_PROCEEDINGS: {
        "fr": "Dénonciation officielle aux fins de poursuites — {short}",
        "en": "Transfer of proceedings — {short}",
        "es": "Transferencia de procedimiento penal — {short}",
    },
}
# Facts of a transfer of a sentenced person: the sentence first, then what it was for.
KIND_FACTS: dict[str, dict[str, str]] = {
    CooperationKind.TRANSFER_OF_SENTENCED_PERSONS: {
        "fr": "{person} exécute une peine de {years} ans d'emprisonnement pour {short}, "
        "prononcée pour les faits suivants, et a consenti au transfèrement. {facts}",
        "en": "{person} is serving a sentence of {years} years' imprisonment for {short}, imposed "
        "for the following facts, and has consented to the transfer. {facts}",
        "es": "{person} cumple una pena de {years} años de prisión por {short}, impuesta por los "
        "hechos siguientes, y ha consentido el traslado. {facts}",
    },
}
KIND_PURPOSES: dict[str, dict[str, str]] = {
    CooperationKind.EXTRADITION: {
        "fr": "Obtenir la remise de {person} aux fins de poursuites.",
        "en": "To obtain the surrender of {person} for prosecution.",
        "es": "Obtener la entrega de {person} para su enjuiciamiento.",
    },
    CooperationKind.ASSET_RECOVERY: {
        "fr": "Exécuter la décision de confiscation et restituer les avoirs (CNUCC, art. 57).",
        "en": "To enforce the confiscation order and return the assets (UNCAC art. 57).",
        "es": "Ejecutar la orden de decomiso y restituir los activos (CNUCC, art. 57).",
    },
    CooperationKind.TRANSFER_OF_SENTENCED_PERSONS: {
        "fr": "Permettre à {person} de purger le reste de sa peine dans son pays (réinsertion).",
        "en": "To let {person} serve the rest of the sentence at home (social rehabilitation).",
        "es": "Permitir que {person} cumpla el resto de la condena en su país (reinserción).",
    },
    CooperationKind.TRANSFER_OF_PROCEEDINGS: {
        "fr": "Transférer les poursuites à l'État où résident l'auteur et les preuves.",
        "en": "To transfer the prosecution to the state where the offender and evidence are.",
        "es": "Transferir el procesamiento al Estado donde están el autor y las pruebas.",
    },
}
MEASURE_TEXTS: dict[str, dict[str, str]] = {
    "fr": {
        MeasureType.TAKING_EVIDENCE: "Audition de {person} sur les faits décrits.",
        MeasureType.VIDEOCONFERENCE: "Audition de {person} par visioconférence devant le juge.",
        MeasureType.SERVICE_OF_DOCUMENTS: "Remise à {person} de la citation à comparaître.",
        MeasureType.SEARCH_AND_SEIZURE: "Perquisition au domicile de {person} à {city} et saisie "
        "des supports numériques.",
        MeasureType.FREEZING: "Gel des comptes et biens immobiliers de {company}.",
        MeasureType.EXAMINATION: "Examen des locaux et véhicules utilisés par le réseau.",
        MeasureType.INFORMATION_AND_EXPERTISE: "Communication des rapports d'expertise et des "
        "données techniques.",
        MeasureType.BANK_RECORDS: "Relevés et documents d'ouverture du compte {account} "
        "({company}), 2021–2024.",
        MeasureType.RECORDS: "Copies certifiées des registres de {company} (statuts, "
        "bénéficiaires effectifs).",
        MeasureType.TRACING_PROCEEDS: "Identification des avoirs de {person} et de ses proches.",
        MeasureType.VOLUNTARY_APPEARANCE: "Comparution volontaire de {person} comme témoin.",
        MeasureType.TEMPORARY_TRANSFER: "Transfèrement temporaire de {person}, détenu.",
        MeasureType.CONFISCATION: "Exécution de la décision de confiscation des avoirs de "
        "{company}.",
        MeasureType.RETURN_OF_ASSETS: "Restitution des avoirs confisqués à l'État d'origine.",
        MeasureType.PROVISIONAL_ARREST: "Arrestation provisoire de {person} en vue d'extradition.",
        MeasureType.SURRENDER: "Remise de {person} à l'État requérant.",
        MeasureType.TRANSFER_OF_SENTENCED_PERSON: "Transfèrement de {person} pour l'exécution du "
        "reliquat de sa peine.",
        MeasureType.TRANSFER_OF_PROCEEDINGS: "Reprise des poursuites contre {person}.",
        MeasureType.OTHER: "Autre mesure d'assistance.",
    },
    "en": {
        MeasureType.TAKING_EVIDENCE: "Statement of {person} on the facts described.",
        MeasureType.VIDEOCONFERENCE: "Hearing of {person} by videoconference before the court.",
        MeasureType.SERVICE_OF_DOCUMENTS: "Service of the summons on {person}.",
        MeasureType.SEARCH_AND_SEIZURE: "Search of the home of {person} in {city} and seizure of "
        "digital devices.",
        MeasureType.FREEZING: "Freezing of the accounts and real estate of {company}.",
        MeasureType.EXAMINATION: "Examination of premises and vehicles used by the network.",
        MeasureType.INFORMATION_AND_EXPERTISE: "Expert reports and technical data.",
        MeasureType.BANK_RECORDS: "Statements and account-opening documents of account {account} "
        "({company}), 2021–2024.",
        MeasureType.RECORDS: "Certified copies of the company records of {company} (articles, "
        "beneficial owners).",
        MeasureType.TRACING_PROCEEDS: "Identification of the assets of {person} and relatives.",
        MeasureType.VOLUNTARY_APPEARANCE: "Voluntary appearance of {person} as a witness.",
        MeasureType.TEMPORARY_TRANSFER: "Temporary transfer of {person}, in custody.",
        MeasureType.CONFISCATION: "Enforcement of the confiscation order against {company}.",
        MeasureType.RETURN_OF_ASSETS: "Return of the confiscated assets to the state of origin.",
        MeasureType.PROVISIONAL_ARREST: "Provisional arrest of {person} pending extradition.",
        MeasureType.SURRENDER: "Surrender of {person} to the requesting state.",
        MeasureType.TRANSFER_OF_SENTENCED_PERSON: "Transfer of {person} to serve the remainder "
        "of the sentence.",
        MeasureType.TRANSFER_OF_PROCEEDINGS: "Taking over the prosecution of {person}.",
        MeasureType.OTHER: "Other assistance.",
    },
    "es": {
        MeasureType.TAKING_EVIDENCE: "Declaración de {person} sobre los hechos descritos.",
        MeasureType.VIDEOCONFERENCE: "Audiencia de {person} por videoconferencia.",
        MeasureType.SERVICE_OF_DOCUMENTS: "Notificación de la citación a {person}.",
        MeasureType.SEARCH_AND_SEIZURE: "Allanamiento del domicilio de {person} en {city} e "
        "incautación de dispositivos.",
        MeasureType.FREEZING: "Congelación de las cuentas e inmuebles de {company}.",
        MeasureType.EXAMINATION: "Inspección de locales y vehículos de la red.",
        MeasureType.INFORMATION_AND_EXPERTISE: "Informes periciales y datos técnicos.",
        MeasureType.BANK_RECORDS: "Extractos y documentos de apertura de la cuenta {account} "
        "({company}), 2021–2024.",
        MeasureType.RECORDS: "Copias certificadas de los registros de {company}.",
        MeasureType.TRACING_PROCEEDS: "Identificación de los bienes de {person} y allegados.",
        MeasureType.VOLUNTARY_APPEARANCE: "Comparecencia voluntaria de {person} como testigo.",
        MeasureType.TEMPORARY_TRANSFER: "Traslado temporal de {person}, detenido.",
        MeasureType.CONFISCATION: "Ejecución de la orden de decomiso contra {company}.",
        MeasureType.RETURN_OF_ASSETS: "Restitución de los activos decomisados.",
        MeasureType.PROVISIONAL_ARREST: "Detención provisional de {person} con fines de "
        "extradición.",
        MeasureType.SURRENDER: "Entrega de {person} al Estado requirente.",
        MeasureType.TRANSFER_OF_SENTENCED_PERSON: "Traslado de {person} para cumplir el resto de "
        "la condena.",
        MeasureType.TRANSFER_OF_PROCEEDINGS: "Asunción del procesamiento de {person}.",
        MeasureType.OTHER: "Otra asistencia.",
    },
}
# Measures with a date set for them (a hearing, a service): they get their own deadline.
DATED_MEASURES = frozenset(
    {
        MeasureType.VIDEOCONFERENCE,
        MeasureType.SERVICE_OF_DOCUMENTS,
        MeasureType.VOLUNTARY_APPEARANCE,
        MeasureType.TAKING_EVIDENCE,
    }
)

# Why a request was refused, worded from the requested state's side; by language and ground.
REFUSALS: dict[str, dict[str, str]] = {
    "fr": {
        RefusalGround.NON_CONFORMITY: "La demande n'expose ni les faits ni l'autorité conduisant "
        "l'enquête (art. 18(15)) ; les compléments demandés n'ont pas été fournis.",
        RefusalGround.ESSENTIAL_INTERESTS: "L'exécution porterait atteinte aux intérêts "
        "essentiels de l'État requis : les pièces relèvent du secret de la défense nationale.",
        RefusalGround.DOMESTIC_LAW_PROHIBITS: "Le droit de l'État requis n'autorise pas "
        "l'interception demandée pour une infraction de cette gravité.",
        RefusalGround.CONTRARY_TO_LEGAL_SYSTEM: "L'audition sous serment d'une personne mise en "
        "cause est contraire au système juridique de l'État requis.",
        RefusalGround.NO_DUAL_CRIMINALITY: "Les faits ne sont pas punissables dans l'État requis ; "
        "la mesure coercitive demandée suppose la double incrimination.",
        RefusalGround.DISCRIMINATION: "Il existe des raisons sérieuses de croire que la poursuite "
        "vise la personne en raison de ses opinions politiques.",
        RefusalGround.NATIONALITY: "La personne réclamée a la nationalité de l'État requis, qui "
        "n'extrade pas ses nationaux ; des poursuites sur place sont proposées.",
        RefusalGround.POLITICAL_OFFENCE: "Les faits reprochés revêtent un caractère politique.",
        RefusalGround.NE_BIS_IN_IDEM: "La personne a déjà été définitivement jugée dans l'État "
        "requis pour les mêmes faits.",
        RefusalGround.DEATH_PENALTY: "L'infraction est passible de la peine de mort dans l'État "
        "requérant et les assurances demandées n'ont pas été données.",
        RefusalGround.LAPSE_OF_TIME: "L'action publique est prescrite selon le droit de l'État "
        "requis.",
        RefusalGround.OTHER: "Refus fondé sur la convention bilatérale : l'infraction est "
        "purement militaire.",
    },
    "en": {
        RefusalGround.NON_CONFORMITY: "The request states neither the facts nor the authority "
        "conducting the investigation (art. 18(15)); the information asked for never came.",
        RefusalGround.ESSENTIAL_INTERESTS: "Execution would prejudice the essential interests of "
        "the requested state: the documents are classified.",
        RefusalGround.DOMESTIC_LAW_PROHIBITS: "Domestic law does not allow the interception "
        "sought for an offence of this gravity.",
        RefusalGround.CONTRARY_TO_LEGAL_SYSTEM: "Hearing a suspect under oath is contrary to the "
        "legal system of the requested state.",
        RefusalGround.NO_DUAL_CRIMINALITY: "The conduct is not an offence in the requested state "
        "and the coercive measure sought requires dual criminality.",
        RefusalGround.DISCRIMINATION: "There are substantial grounds to believe the prosecution "
        "targets the person for political opinion.",
        RefusalGround.NATIONALITY: "The person sought is a national of the requested state, "
        "which does not extradite its nationals; domestic prosecution is offered.",
        RefusalGround.POLITICAL_OFFENCE: "The offence is regarded as a political offence.",
        RefusalGround.NE_BIS_IN_IDEM: "The person was finally tried in the requested state for "
        "the same conduct.",
        RefusalGround.DEATH_PENALTY: "The offence carries the death penalty in the requesting "
        "state and the assurances asked for were not given.",
        RefusalGround.LAPSE_OF_TIME: "Prosecution is time-barred under the law of the requested "
        "state.",
        RefusalGround.OTHER: "Refused under the bilateral treaty: a purely military offence.",
    },
    "es": {
        RefusalGround.NON_CONFORMITY: "La solicitud no expone los hechos ni la autoridad que "
        "investiga (art. 18(15)); no se recibió la información pedida.",
        RefusalGround.ESSENTIAL_INTERESTS: "La ejecución perjudicaría intereses esenciales del "
        "Estado requerido: los documentos son reservados.",
        RefusalGround.DOMESTIC_LAW_PROHIBITS: "El derecho interno no permite la interceptación "
        "solicitada para un delito de esta gravedad.",
        RefusalGround.CONTRARY_TO_LEGAL_SYSTEM: "Tomar juramento a un investigado es contrario "
        "al ordenamiento jurídico del Estado requerido.",
        RefusalGround.NO_DUAL_CRIMINALITY: "La conducta no es delito en el Estado requerido y la "
        "medida coercitiva exige doble incriminación.",
        RefusalGround.DISCRIMINATION: "Hay motivos fundados para creer que la persecución se "
        "debe a las opiniones políticas de la persona.",
        RefusalGround.NATIONALITY: "La persona es nacional del Estado requerido, que no extradita "
        "a sus nacionales; se ofrece juzgarla allí.",
        RefusalGround.POLITICAL_OFFENCE: "El delito se considera de carácter político.",
        RefusalGround.NE_BIS_IN_IDEM: "La persona ya fue juzgada definitivamente por los mismos "
        "hechos en el Estado requerido.",
        RefusalGround.DEATH_PENALTY: "El delito se castiga con pena de muerte en el Estado "
        "requirente y no se dieron las garantías pedidas.",
        RefusalGround.LAPSE_OF_TIME: "La acción penal ha prescrito según el derecho del Estado "
        "requerido.",
        RefusalGround.OTHER: "Denegada conforme al tratado bilateral: delito militar.",
    },
}
MLA_GROUNDS = (
    RefusalGround.NO_DUAL_CRIMINALITY,
    RefusalGround.NE_BIS_IN_IDEM,
    RefusalGround.NON_CONFORMITY,
    RefusalGround.ESSENTIAL_INTERESTS,
    RefusalGround.LAPSE_OF_TIME,
    RefusalGround.DOMESTIC_LAW_PROHIBITS,
    RefusalGround.CONTRARY_TO_LEGAL_SYSTEM,
    RefusalGround.OTHER,
)
EXTRADITION_GROUNDS = (
    RefusalGround.NATIONALITY,
    RefusalGround.DEATH_PENALTY,
    RefusalGround.POLITICAL_OFFENCE,
    RefusalGround.LAPSE_OF_TIME,
    RefusalGround.DISCRIMINATION,
)
REASONS: dict[str, dict[str, tuple[str, ...]]] = {
    "fr": {
        "request_info": (
            "Préciser le lien entre les comptes visés et les faits poursuivis.",
            "Transmettre la traduction certifiée de la décision de saisie.",
            "Compléter l'exposé des faits (dates, montants) et la qualification pénale.",
            "Fournir l'identité complète et la dernière adresse connue de la personne à entendre.",
        ),
        "consult": (
            "Consultation de l'État requérant sur les conditions d'exécution (art. 18(26)).",
            "L'exécution pourrait nuire à une enquête en cours : consultation avant report.",
            "Consultation sur la double incrimination des faits visés.",
            "Consultation sur les garanties demandées avant toute décision.",
        ),
        "postpone": (
            "Exécution différée : elle nuirait à une information judiciaire (art. 18(25)).",
            "Report jusqu'à l'audience de jugement prévue dans l'État requis.",
            "Report dans l'attente de la fin d'une enquête nationale sur les mêmes personnes.",
        ),
        "withdraw": (
            "Demande retirée : la procédure a été classée sans suite.",
            "Demande devenue sans objet : la personne a été arrêtée dans un autre État.",
            "Retrait : les éléments ont été obtenus par une autre voie.",
        ),
        "measure_withdrawn": (
            "Mesure devenue sans objet.",
            "Le témoin n'a pas pu être localisé ; mesure abandonnée d'un commun accord.",
        ),
    },
    "en": {
        "request_info": (
            "Explain the link between the accounts and the offence under investigation.",
            "Send a certified translation of the seizure order.",
            "Complete the summary of facts (dates, amounts) and the legal qualification.",
            "Give the full identity and last known address of the person to be heard.",
        ),
        "consult": (
            "Consulting the requesting state on the conditions of execution (art. 18(26)).",
            "Execution could harm an ongoing investigation: consulting before postponing.",
            "Consulting on the dual criminality of the conduct.",
            "Consulting on the assurances sought before deciding.",
        ),
        "postpone": (
            "Execution postponed: it would interfere with an ongoing investigation (art. 18(25)).",
            "Postponed until the trial scheduled in the requested state.",
            "Postponed until a domestic investigation of the same persons ends.",
        ),
        "withdraw": (
            "Withdrawn: the case was discontinued.",
            "No longer needed: the person was arrested in another state.",
            "Withdrawn: the evidence was obtained by other means.",
        ),
        "measure_withdrawn": (
            "No longer needed.",
            "The witness could not be traced; dropped by agreement.",
        ),
    },
    "es": {
        "request_info": (
            "Explicar la relación entre las cuentas y el delito investigado.",
            "Enviar la traducción certificada de la orden de embargo.",
            "Completar los hechos (fechas, montos) y la calificación jurídica.",
            "Indicar la identidad completa y el último domicilio de la persona.",
        ),
        "consult": (
            "Consulta al Estado requirente sobre las condiciones de ejecución (art. 18(26)).",
            "La ejecución podría perjudicar una investigación en curso: consulta previa.",
            "Consulta sobre la doble incriminación de los hechos.",
        ),
        "postpone": (
            "Ejecución aplazada: interferiría con una investigación en curso (art. 18(25)).",
            "Aplazada hasta el juicio previsto en el Estado requerido.",
        ),
        "withdraw": (
            "Retirada: la causa fue archivada.",
            "Sin objeto: la persona fue detenida en otro Estado.",
        ),
        "measure_withdrawn": ("Medida sin objeto.", "No se pudo localizar al testigo."),
    },
}
FOLLOW_UPS: dict[str, dict[str, tuple[str, ...]]] = {
    "fr": {
        FollowUpDirection.FROM_COUNTERPART: (
            "L'autorité requérante demande où en est l'exécution de la demande.",
            "Relance de l'autorité requérante : l'audience est fixée, les pièces sont attendues.",
            "Demande de point d'étape de l'autorité requérante (art. 18(24)).",
        ),
        FollowUpDirection.TO_COUNTERPART: (
            "Relance adressée à l'autorité centrale requise sur l'état d'exécution.",
            "Le magistrat mandant souhaite connaître la date prévisible d'exécution.",
            "Relance : l'audience approche, merci d'indiquer l'état de la demande.",
        ),
        "answer": (
            "Demande transmise au parquet compétent ; exécution en cours.",
            "Les relevés ont été obtenus et seront transmis après traduction.",
            "L'audition est fixée ; le procès-verbal sera adressé dès réception.",
        ),
    },
    "en": {
        FollowUpDirection.FROM_COUNTERPART: (
            "The requesting authority asks how far execution has progressed.",
            "Reminder from the requesting authority: the trial date is set.",
            "Progress report requested by the requesting authority (art. 18(24)).",
        ),
        FollowUpDirection.TO_COUNTERPART: (
            "Reminder sent to the requested central authority on progress.",
            "The prosecutor asks when execution can be expected.",
        ),
        "answer": (
            "Forwarded to the competent prosecutor; execution under way.",
            "The records were obtained and will be sent after translation.",
            "The hearing is scheduled; the transcript will follow.",
        ),
    },
    "es": {
        FollowUpDirection.FROM_COUNTERPART: (
            "La autoridad requirente pregunta por el estado de la ejecución.",
            "Recordatorio de la autoridad requirente: el juicio tiene fecha.",
        ),
        FollowUpDirection.TO_COUNTERPART: (
            "Recordatorio a la autoridad central requerida sobre el avance.",
            "El fiscal pregunta cuándo se espera la ejecución.",
        ),
        "answer": (
            "Remitida a la fiscalía competente; ejecución en curso.",
            "Se obtuvieron los extractos; se enviarán tras la traducción.",
        ),
    },
}
FR_EXECUTING: dict[str, tuple[str, ...]] = {
    "laundering": ("Parquet national financier", "JIRS de Paris", "OCRGDF"),
    "bribery": ("Parquet national financier", "OCLCIFF"),
    "embezzlement": (
        "Parquet national financier",
        "AGRASC",
        "Juge d'instruction, pôle financier de Paris",
    ),
    "drugs": (
        "JIRS de Marseille",
        "JIRS de Lille",
        "Office anti-stupéfiants (OFAST)",
        "Parquet de Lyon",
    ),
    "fraud": ("Parquet de Paris — section économique", "JIRS de Lyon", "Parquet de Nanterre"),
    "cyber": ("Parquet de Paris — section J3 (cybercriminalité)", "Office anti-cybercriminalité"),
    "tip": ("JIRS de Paris", "OCRTEH", "Parquet de Bobigny"),
    "homicide": ("Parquet de Marseille", "Juge d'instruction de Lyon", "Parquet de Bobigny"),
    "smuggling": ("JIRS de Lille", "OLTIM"),
    "terrorism_financing": ("Parquet national antiterroriste",),
    "cultural_property": ("OCBC — Office central de lutte contre le trafic des biens culturels",),
    "tax_fraud": ("Parquet national financier",),
}
FR_EXTRADITION_EXECUTING = (
    "Parquet général près la cour d'appel de Paris",
    "Parquet général près la cour d'appel d'Aix-en-Provence",
    "Parquet général près la cour d'appel de Lyon",
)
FR_TRANSFER_EXECUTING = ("Direction de l'administration pénitentiaire — bureau de l'exécution",)


# --- Plans -----------------------------------------------------------------------------------


@dataclass
class Op:
    """One thing done to a request after its registration."""

    kind: str  # transition, measure, follow_up, add_measure
    name: str = ""  # the transition, or the follow-up direction
    measure: int = -1
    status: str = ""
    reason: str = ""  # a key of REASONS, "refuse", or ""
    ground: str = ""


@dataclass
class Step:
    gap: Gap
    op: Op
    day: datetime.date = datetime.date.min


@dataclass
class Plan:
    """Everything needed to register one request and take it where it stands today."""

    key: int
    authority: str
    direction: str
    kind: str
    theme: Theme
    counterpart: str
    lang: str
    target: Status
    outcome: Status  # where a closed request stood before closing; otherwise the target
    ground: str
    urgency: str
    confidentiality: str
    officer: str
    words: dict[str, str]
    persons: list[dict[str, Any]]
    measures: list[dict[str, Any]]
    steps: list[Step] = field(default_factory=list)
    start: datetime.date = datetime.date.min
    requested_deadline: datetime.date | None = None
    our_reference: str = ""
    their_reference: str = ""
    subject_prefix: str = ""
    mirror_of: Plan | None = None
    document: str = ""  # "", "request", "court_order", "evidence", "translation"

    @property
    def was_sent(self) -> bool:
        """Whether the other side has the request (always so for an incoming one)."""
        return self.direction == Direction.INCOMING or any(
            step.op.kind == "transition" and step.op.name == "send" for step in self.steps
        )

    @property
    def sent_day(self) -> datetime.date:
        for step in self.steps:
            if step.op.kind == "transition" and step.op.name == "send":
                return step.day
        return self.start

    @property
    def last_day(self) -> datetime.date:
        return self.steps[-1].day if self.steps else self.start


def _pick(rng: random.Random, weighted: Iterable[tuple[Any, int]]) -> Any:
    items = list(weighted)
    return rng.choices([i for i, _w in items], weights=[w for _i, w in items])[0]


def _name(rng: random.Random, state: str) -> str:
    firsts, lasts = NAMES[NAMING.get(state, "en")]
    first, last = rng.choice(firsts), rng.choice(lasts)
    return f"{last} {first}" if NAMING.get(state) in SURNAME_FIRST else f"{first} {last}"


def _company(rng: random.Random, state: str) -> str:
    return f"{rng.choice(COMPANY_STEMS)} {COMPANY_SUFFIX.get(state, 'Ltd')}"


def _path(
    rng: random.Random, direction: str, outcome: Status, target: Status, n: int
) -> list[Step]:
    """The moves that take a new request to ``outcome`` (then closes it if ``target`` is)."""
    out = direction == Direction.OUTGOING
    steps: list[Step] = []

    def move(name: str, gap: Gap, reason: str = "", ground: str = "") -> None:
        steps.append(Step(gap, Op("transition", name=name, reason=reason, ground=ground)))

    def measure(i: int, status: str, gap: Gap, reason: str = "", ground: str = "") -> None:
        steps.append(
            Step(gap, Op("measure", measure=i, status=status, reason=reason, ground=ground))
        )

    def close() -> None:
        if target == Status.CLOSED:
            move("close", (3, 30))

    if out:
        if outcome == Status.DRAFT:
            return steps
        if outcome == Status.WITHDRAWN and rng.random() < 0.3:  # dropped before it left
            for i in range(n):
                measure(
                    i, MeasureStatus.WITHDRAWN, (5, 30) if i == 0 else (0, 0), "measure_withdrawn"
                )
            move("withdraw", (0, 2), "withdraw")
            close()
            return steps
        move("send", (2, 21))
        if outcome == Status.SENT:
            return steps
        move("record_acknowledgement", (4, 30))
    else:
        if outcome == Status.RECEIVED:
            return steps
        move("acknowledge", (8, 20) if rng.random() < 0.15 else (0, 6))
    if outcome == Status.ACKNOWLEDGED:
        return steps
    move("review", (1, 15))
    if outcome == Status.UNDER_REVIEW:
        return steps
    if outcome in (Status.INFO_REQUESTED, Status.INFO_PROVIDED) or rng.random() < 0.25:
        move("request_info", (5, 30), "request_info")
        if outcome == Status.INFO_REQUESTED:
            return steps
        move("info_provided", (10, 60))
        if outcome == Status.INFO_PROVIDED:
            return steps
        move("review", (1, 7))
    if outcome == Status.WITHDRAWN:
        for i in range(n):
            measure(i, MeasureStatus.WITHDRAWN, (10, 60) if i == 0 else (0, 0), "measure_withdrawn")
        move("withdraw", (0, 2), "withdraw")
    elif outcome == Status.REFUSED:
        if not out or rng.random() < 0.5:
            move("consult", (5, 25), "consult")
        for i in range(n):
            measure(i, MeasureStatus.REFUSED, (5, 30) if i == 0 else (0, 0), "refuse", "case")
        move("record_refusal" if out else "refuse", (0, 3), "refuse", "case")
    elif outcome == Status.CONSULTATION:
        if rng.random() < 0.5:
            move("execute_start", (3, 20))
            measure(0, MeasureStatus.IN_EXECUTION, (1, 10))
        move("consult", (5, 30), "consult")
    elif outcome == Status.POSTPONED:
        if out:
            move("record_postponement", (10, 40), "postpone")
        else:
            move("consult", (5, 25), "consult")
            move("postpone", (5, 20), "postpone")
        for i in range(n):
            measure(i, MeasureStatus.POSTPONED, (0, 2), "postpone")
    elif outcome in (Status.IN_EXECUTION, Status.PARTIALLY_EXECUTED, Status.EXECUTED):
        move("execute_start", (3, 30))
        if outcome == Status.IN_EXECUTION:
            started = [i for i in range(n) if i == 0 or rng.random() < 0.7]
            for i in started:
                measure(i, MeasureStatus.IN_EXECUTION, (1, 20))
            if len(started) >= 2 and rng.random() < 0.4:
                measure(0, MeasureStatus.EXECUTED, (10, 60))
        elif outcome == Status.PARTIALLY_EXECUTED:
            measure(0, MeasureStatus.IN_EXECUTION, (1, 15))
            done = MeasureStatus.EXECUTED if n > 1 else MeasureStatus.PARTIALLY_EXECUTED
            measure(0, done, (10, 60))
            for i in range(1, n):
                if rng.random() < 0.6:
                    measure(i, MeasureStatus.IN_EXECUTION, (0, 10))
            move("execute_partially", (1, 10))
        else:
            via_partial = n >= 2 and rng.random() < 0.25
            for i in range(n):
                measure(i, MeasureStatus.IN_EXECUTION, (1, 15) if i == 0 else (0, 5))
            for i in range(n):
                if i > 0 and rng.random() < 0.15:
                    measure(i, MeasureStatus.WITHDRAWN, (5, 30), "measure_withdrawn")
                else:
                    measure(i, MeasureStatus.EXECUTED, (10, 60))
                if via_partial and i == 0:
                    move("execute_partially", (1, 5))
                    move("resume", (5, 20))
            move("execute", (2, 15))
    close()
    return steps


def _add_follow_ups(rng: random.Random, plan: Plan) -> None:
    """Status requests (art. 18(24)): from the requesting state, or ours to the requested one."""
    # Only once the other side knows of the request, and not on a draft.
    first = 2 if plan.direction == Direction.OUTGOING else 1
    if not plan.was_sent or len(plan.steps) < first + 1 or rng.random() > 0.45:
        return
    at = rng.randint(first, len(plan.steps))
    direction = (
        FollowUpDirection.FROM_COUNTERPART
        if plan.direction == Direction.INCOMING
        else FollowUpDirection.TO_COUNTERPART
    )
    plan.steps.insert(at, Step((5, 40), Op("follow_up", name=direction)))


def _schedule(
    rng: random.Random,
    plan: Plan,
    earliest: datetime.date,
    latest: datetime.date,
    slack_bound: int | None = None,
) -> None:
    """Date the plan's steps: its start and each step, all working days in [earliest, latest]."""
    gaps = [rng.randint(*step.gap) for step in plan.steps]
    total = sum(gaps)
    room = max((latest - earliest).days, 0)
    if total > room:
        gaps = [g * room // total for g in gaps]
        total = sum(gaps)
    if slack_bound is None:
        slack_bound = MAX_SLACK.get(plan.outcome if plan.target != Status.CLOSED else "", 365)
    slack = rng.randint(0, max(0, min(slack_bound, room - total)))
    day = _workday(latest - datetime.timedelta(days=total + slack), earliest)
    plan.start = day
    for step, gap in zip(plan.steps, gaps, strict=True):
        day = _workday(day + datetime.timedelta(days=gap), plan.start)
        step.day = min(max(day, plan.start), latest)


def _workday(day: datetime.date, floor: datetime.date) -> datetime.date:
    """The Friday before a weekend day (not before ``floor``); the day itself otherwise."""
    if day.weekday() >= 5:
        day = max(day - datetime.timedelta(days=day.weekday() - 4), floor)
    return day


class Planner:
    """Decide, with a seeded generator, what every demo request is and what happened to it."""

    def __init__(self, today: datetime.date) -> None:
        self.today = today
        self.latest = today - datetime.timedelta(days=1)
        self.earliest = today - datetime.timedelta(days=365)
        self.rng = random.Random(SEED)  # noqa: S311 - demo data, not secrets
        self.next_key = 0
        self.ground_turn = {"mla": 0, "extradition": 0}

    def _sub_rng(self) -> random.Random:
        return random.Random(self.rng.getrandbits(64))  # noqa: S311 - demo data, not secrets

    def _ground(self, kind: str, direction: str, counterpart: str) -> str:
        if kind == CooperationKind.EXTRADITION:
            pool = [
                g
                for g in EXTRADITION_GROUNDS
                if g != RefusalGround.DEATH_PENALTY
                or (direction == Direction.INCOMING and counterpart in RETENTIONIST)
            ]
            turn = "extradition"
        else:
            pool, turn = list(MLA_GROUNDS), "mla"
        ground = pool[self.ground_turn[turn] % len(pool)]
        self.ground_turn[turn] += 1
        return ground

    def plan(
        self,
        *,
        authority: str,
        home: str,
        lang_for: Callable[[str, str], str],
        officer: str,
        target: Status,
        direction: str,
        kind: str | None = None,
        theme: Theme | None = None,
        counterpart: str | None = None,
        earliest: datetime.date | None = None,
        outcome: Status | None = None,
    ) -> Plan:
        rng = self._sub_rng()
        kind = kind or _pick(rng, KIND_WEIGHTS)
        if theme is None:
            keys = KIND_THEMES.get(kind)
            themes = [t for t in THEMES if keys is None or t.key in keys]
            theme = _pick(rng, [(t, t.weight) for t in themes])
        assert theme is not None
        if counterpart is None:
            pool = [s for s in theme.counterparts if s != home]
            counterpart = rng.choice(pool)
        if outcome is None:
            outcome = target
            if target == Status.CLOSED:
                outcome = _pick(
                    rng,
                    [
                        (Status.EXECUTED, 70),
                        (Status.REFUSED, 15),
                        (Status.WITHDRAWN, 10),
                        (Status.PARTIALLY_EXECUTED, 5),
                    ],
                )
        ground = ""
        if outcome == Status.REFUSED:
            ground = self._ground(kind, direction, counterpart)
        lang = lang_for(direction, counterpart)
        words = self._words(rng, theme, home, counterpart, direction, ground, kind, lang)
        urgent_kind = kind == CooperationKind.EXTRADITION
        urgency = _pick(
            rng,
            [
                (Urgency.NORMAL, 35 if urgent_kind else 80),
                (Urgency.URGENT, 30 if urgent_kind else 14),
                (Urgency.VERY_URGENT, 35 if urgent_kind else 6),
            ],
        )
        if theme.key == "terrorism_financing":
            confidentiality = rng.choice((Confidentiality.STRICT, Confidentiality.CONFIDENTIAL))
        else:
            confidentiality = _pick(
                rng,
                [(Confidentiality.STANDARD, 74), (Confidentiality.CONFIDENTIAL, 20),
                 (Confidentiality.STRICT, 6)],
            )  # fmt: skip
        where = home if direction == Direction.INCOMING else counterpart
        persons = self._persons(rng, kind, words, home, counterpart, where, ground)
        measures = self._measures(rng, kind, theme, lang, words, where)
        plan = Plan(
            key=self.next_key,
            authority=authority,
            direction=direction,
            kind=kind,
            theme=theme,
            counterpart=counterpart,
            lang=lang,
            target=target,
            outcome=outcome,
            ground=ground,
            urgency=urgency,
            confidentiality=confidentiality,
            officer=officer,
            words=words,
            persons=persons,
            measures=measures,
        )
        self.next_key += 1
        plan.steps = _path(rng, direction, outcome, target, len(measures))
        _add_follow_ups(rng, plan)
        _schedule(rng, plan, earliest or self.earliest, self.latest)
        self._deadlines(rng, plan)
        return plan

    def _words(
        self,
        rng: random.Random,
        theme: Theme,
        home: str,
        counterpart: str,
        direction: str,
        ground: str,
        kind: str,
        lang: str,
    ) -> dict[str, str]:
        requesting = counterpart if direction == Direction.INCOMING else home
        requested = home if direction == Direction.INCOMING else counterpart
        suspect_state = counterpart if rng.random() < 0.55 else home
        if kind == CooperationKind.EXTRADITION:
            # Many states do not extradite their nationals: the person sought is usually a
            # national of the requesting state, unless that is why the request was refused.
            suspect_state = requested if ground == RefusalGround.NATIONALITY else requesting
        elif kind == CooperationKind.TRANSFER_OF_SENTENCED_PERSONS:
            # The state of nationality asks for its national, serving a sentence in the other.
            suspect_state = requesting
        crime_state = home if direction == Direction.OUTGOING else counterpart
        company_state = rng.choice((counterpart, counterpart, home))
        return {
            "person": _name(rng, suspect_state),
            "person_state": suspect_state,
            "victim": _name(rng, crime_state),
            "company": _company(rng, company_state),
            "company_state": company_state,
            "city": rng.choice(CITIES.get(crime_state, ("—",))),
            "amount": f"{rng.randint(12, 980) * 10_000:,}".replace(",", "\u202f"),
            "kilos": str(rng.randint(40, 1200)),
            "victims": str(rng.randint(6, 60)),
            "variant": str(rng.randrange(len(theme.subjects[lang]))),
            "years": str(rng.randint(4, 15)),
            "account": f"{counterpart}{rng.randint(10, 99)} {rng.randint(1000, 9999)} ···· "
            f"{rng.randint(1000, 9999)}",
        }

    def _persons(
        self,
        rng: random.Random,
        kind: str,
        words: dict[str, str],
        home: str,
        counterpart: str,
        where: str,
        ground: str,
    ) -> list[dict[str, Any]]:
        roles: dict[str, str] = {
            CooperationKind.EXTRADITION: PersonRole.ACCUSED,
            CooperationKind.TRANSFER_OF_SENTENCED_PERSONS: PersonRole.SENTENCED_PERSON,
        }
        main_role = roles.get(kind, PersonRole.SUSPECT)
        state = words["person_state"]
        born = datetime.date(rng.randint(1962, 2001), rng.randint(1, 12), rng.randint(1, 28))
        persons: list[dict[str, Any]] = [
            {
                "role": main_role,
                "name": words["person"],
                "date_of_birth": born,
                "place_of_birth": rng.choice(CITIES.get(state, ("—",))),
                "nationality_id": state,
                "identity_document": f"{state} passport {rng.randint(10, 99)}"
                f"{rng.choice('ABCDEFGHJK')}{rng.choice('LMNPRSTUVW')}{rng.randint(10000, 99999)}",
                "location": rng.choice(CITIES.get(where, ("—",))),
            }
        ]
        if kind in (CooperationKind.MLA, CooperationKind.ASSET_RECOVERY):
            persons.append(
                {
                    "role": PersonRole.ASSET_HOLDER,
                    "is_legal_person": True,
                    "name": words["company"],
                    "nationality_id": words["company_state"],
                    "location": rng.choice(CITIES.get(words["company_state"], ("—",))),
                }
            )
        if kind == CooperationKind.MLA and rng.random() < 0.5:
            witness_state = rng.choice((where, home, counterpart))
            persons.append(
                {
                    "role": rng.choice((PersonRole.WITNESS, PersonRole.VICTIM)),
                    "name": _name(rng, witness_state),
                    "nationality_id": witness_state,
                    "location": rng.choice(CITIES.get(where, ("—",))),
                }
            )
        return persons

    def _measures(
        self,
        rng: random.Random,
        kind: str,
        theme: Theme,
        lang: str,
        words: dict[str, str],
        where: str,
    ) -> list[dict[str, Any]]:
        if kind == CooperationKind.MLA:
            kinds = rng.sample(theme.measures, k=min(len(theme.measures), rng.randint(1, 3)))
        else:
            pool = KIND_MEASURES[kind]
            kinds = (
                list(pool)
                if kind != CooperationKind.ASSET_RECOVERY
                else list(pool[: rng.randint(2, 4)])
            )
        texts = MEASURE_TEXTS[lang]
        city = rng.choice(CITIES.get(where, ("—",)))
        measures = []
        for measure_kind in kinds:
            details: dict[str, Any] = {}
            if measure_kind == MeasureType.BANK_RECORDS:
                details = {"account": words["account"], "period": "2021-01-01/2024-12-31"}
            elif measure_kind == MeasureType.SEARCH_AND_SEIZURE:
                details = {"premises": f"{words['person']}, {city}"}
            measures.append(
                {
                    "kind": measure_kind,
                    "description": _fill(texts[measure_kind], words | {"city": city}),
                    "details": details,
                }
            )
        return measures

    def _deadlines(self, rng: random.Random, plan: Plan) -> None:
        if plan.direction == Direction.INCOMING:
            if plan.urgency == Urgency.VERY_URGENT:
                plan.requested_deadline = plan.start + datetime.timedelta(days=rng.randint(10, 40))
            elif rng.random() < 0.35:
                plan.requested_deadline = plan.start + datetime.timedelta(days=rng.randint(45, 220))
        elif plan.outcome != Status.DRAFT and rng.random() < 0.45:
            plan.requested_deadline = plan.start + datetime.timedelta(days=rng.randint(60, 200))
        for measure in plan.measures:
            if measure["kind"] in DATED_MEASURES and rng.random() < 0.5:
                measure["deadline"] = plan.start + datetime.timedelta(days=rng.randint(30, 160))


def _fr_language(direction: str, counterpart: str) -> str:
    if direction == Direction.INCOMING and counterpart in ENGLISH_SPEAKING:
        return "en"
    return "fr"


def plan_all(today: datetime.date) -> tuple[dict[str, list[Plan]], list[Link]]:
    """Every demo request of every demo authority (by authority code), and their links."""
    planner = Planner(today)
    rng = planner._sub_rng()
    officers = list(FR_OFFICERS)
    fr: list[Plan] = []
    targets = [status for status, count in FR_STATUS_COUNTS.items() for _i in range(count)]
    for target in targets:
        if target in (Status.DRAFT, Status.SENT):
            direction = Direction.OUTGOING
        elif target == Status.RECEIVED:
            direction = Direction.INCOMING
        else:
            direction = Direction.INCOMING if rng.random() < 0.6 else Direction.OUTGOING
        fr.append(
            planner.plan(
                authority=FR_CODE,
                home="FR",
                lang_for=_fr_language,
                officer=_pick(rng, officers),
                target=target,
                direction=direction,
            )
        )
    extra, links = _supplementary_plans(planner, rng, fr)
    fr += extra
    plans: dict[str, list[Plan]] = {FR_CODE: fr}
    for partner in PARTNERS:
        plans[partner.code] = _partner_plans(planner, partner, fr)
    _references(plans, rng)
    _documents(rng, plans)
    return plans, links


# A relation to record between two planned requests: (source key, target key, link kind).
Link = tuple[int, int, str]


def _supplementary_plans(
    planner: Planner, rng: random.Random, fr: list[Plan]
) -> tuple[list[Plan], list[Link]]:
    """Supplementary requests, requests supporting an extradition, and related requests."""
    links: list[Link] = []
    extra: list[Plan] = []
    sent_mla = [
        p
        for p in fr
        if p.direction == Direction.OUTGOING
        and p.kind == CooperationKind.MLA
        and p.outcome not in (Status.DRAFT, Status.SENT, Status.WITHDRAWN)
        and (planner.latest - p.sent_day).days > 60
    ]
    for base, target in zip(
        rng.sample(sent_mla, k=min(4, len(sent_mla))),
        (Status.DRAFT, Status.SENT, Status.UNDER_REVIEW, Status.IN_EXECUTION),
        strict=False,
    ):
        plan = planner.plan(
            authority=FR_CODE,
            home="FR",
            lang_for=_fr_language,
            officer=base.officer,
            target=target,
            direction=Direction.OUTGOING,
            kind=CooperationKind.MLA,
            theme=base.theme,
            counterpart=base.counterpart,
            earliest=base.sent_day + datetime.timedelta(days=30),
        )
        plan.subject_prefix = "Demande complémentaire — "
        plan.words = base.words
        plan.persons = base.persons[:1] + plan.persons[1:]
        plan.confidentiality = base.confidentiality
        extra.append(plan)
        links.append((plan.key, base.key, LinkKind.SUPPLEMENTS))
    extraditions = [
        p
        for p in fr
        if p.kind == CooperationKind.EXTRADITION
        and p.outcome not in (Status.DRAFT, Status.RECEIVED)
        and (planner.latest - p.start).days > 40
    ]
    for base, target in zip(
        rng.sample(extraditions, k=min(3, len(extraditions))),
        (Status.IN_EXECUTION, Status.EXECUTED, Status.ACKNOWLEDGED),
        strict=False,
    ):
        plan = planner.plan(
            authority=FR_CODE,
            home="FR",
            lang_for=_fr_language,
            officer=base.officer,
            target=target,
            direction=base.direction,
            kind=CooperationKind.MLA,
            theme=base.theme,
            counterpart=base.counterpart,
            earliest=base.start + datetime.timedelta(days=10),
        )
        plan.words = base.words
        plan.persons = base.persons[:1]
        plan.measures = [
            {
                "kind": MeasureType.SEARCH_AND_SEIZURE,
                "description": {
                    "fr": "Saisie et remise des objets trouvés en possession de {person} lors de "
                    "son arrestation.",
                    "en": "Seizure and handing over of the items found on {person} at the arrest.",
                    "es": "Incautación y entrega de los objetos hallados a {person} al detenerlo.",
                }[plan.lang].format(**base.words),
                "details": {},
            }
        ]
        plan.subject_prefix = {
            "fr": "Entraide liée à l'extradition — ",
            "en": "In support of the extradition — ",
            "es": "En apoyo de la extradición — ",
        }[plan.lang]
        plan.steps = _path(rng, plan.direction, plan.outcome, plan.target, 1)
        _schedule(rng, plan, base.start + datetime.timedelta(days=10), planner.latest)
        plan.requested_deadline = None
        planner._deadlines(rng, plan)
        extra.append(plan)
        links.append((plan.key, base.key, LinkKind.SUPPORTS))
    # Requests going both ways in the same matter with the same state.
    incoming = [
        p for p in fr if p.direction == Direction.INCOMING and p.kind == CooperationKind.MLA
    ]
    outgoing = [
        p for p in fr if p.direction == Direction.OUTGOING and p.kind == CooperationKind.MLA
    ]
    pairs = [
        (a, b)
        for a in incoming
        for b in outgoing
        if a.counterpart == b.counterpart and a.theme.key == b.theme.key
    ]
    used: set[int] = set()
    for a, b in pairs:
        if len(used) >= 8:
            break
        if a.key in used or b.key in used:
            continue
        used |= {a.key, b.key}
        links.append((b.key, a.key, LinkKind.RELATED))
    return extra, links


def _partner_language(partner: Partner) -> Callable[[str, str], str]:
    return lambda _direction, _counterpart: partner.lang


MIRROR_STATUS = {Status.SENT: Status.RECEIVED, Status.RECEIVED: Status.SENT}


def _partner_plans(planner: Planner, partner: Partner, fr: list[Plan]) -> list[Plan]:
    """The other side of some French requests with this partner, and a few of its own."""
    plans: list[Plan] = []
    lang_for = _partner_language(partner)
    facing = [p for p in fr if p.counterpart == partner.state and p.outcome != Status.DRAFT]
    for base in facing[:MIRRORS_PER_PARTNER]:
        direction = (
            Direction.OUTGOING if base.direction == Direction.INCOMING else Direction.INCOMING
        )
        target = MIRROR_STATUS.get(base.target, base.target)
        outcome = MIRROR_STATUS.get(base.outcome, base.outcome)
        plan = planner.plan(
            authority=partner.code,
            home=partner.state,
            lang_for=lang_for,
            officer=partner.officer,
            target=target,
            outcome=outcome,
            direction=direction,
            kind=base.kind,
            theme=base.theme,
            counterpart="FR",
        )
        plan.words = base.words
        plan.persons = base.persons
        plan.ground = base.ground
        plan.urgency = base.urgency
        plan.confidentiality = (
            base.confidentiality
            if base.confidentiality != Confidentiality.STRICT
            else Confidentiality.CONFIDENTIAL
        )
        plan.requested_deadline = base.requested_deadline
        plan.measures = [
            m | {"description": _fill(MEASURE_TEXTS[plan.lang][m["kind"]], base.words)}
            for m in base.measures
        ]
        plan.steps = _path(planner._sub_rng(), direction, outcome, target, len(plan.measures))
        # The other side's timeline runs alongside the French one: an outgoing request is
        # sent a few days before France receives it, an incoming one arrives a few days after
        # France sent it.
        if direction == Direction.OUTGOING:
            begin = base.start - datetime.timedelta(days=12)
        else:
            begin = base.sent_day + datetime.timedelta(days=4)
        begin = min(max(begin, planner.earliest), planner.latest)
        end = min(max(base.last_day, begin), planner.latest)
        _schedule(planner._sub_rng(), plan, begin, end, slack_bound=0)
        if direction == Direction.OUTGOING and plan.steps:
            sent = _workday(base.start - datetime.timedelta(days=3), planner.earliest)
            plan.steps[0].day = min(plan.steps[0].day, sent)
            plan.start = _workday(
                min(plan.start, plan.steps[0].day - datetime.timedelta(days=7)), planner.earliest
            )
        plan.mirror_of = base
        plans.append(plan)
    rng = planner._sub_rng()
    for target in PARTNER_OWN_STATUSES:
        direction = Direction.INCOMING if rng.random() < 0.55 else Direction.OUTGOING
        if target == Status.RECEIVED:
            direction = Direction.INCOMING
        theme = THEMES_BY_KEY[rng.choice(("laundering", "drugs", "bribery", "fraud", "tip"))]
        plans.append(
            planner.plan(
                authority=partner.code,
                home=partner.state,
                lang_for=lang_for,
                officer=partner.officer,
                target=target,
                direction=direction,
                kind=CooperationKind.MLA,
                theme=theme,
                counterpart=rng.choice(partner.own_counterparts),
            )
        )
    return plans


def _references(plans: dict[str, list[Plan]], rng: random.Random) -> None:
    """Number each authority's requests in the order they were registered; cross-reference."""
    makers: dict[str, Callable[[str, str, int, int], str]] = {FR_CODE: _fr_reference}
    makers |= {p.code: p.reference for p in PARTNERS}
    for code, items in plans.items():
        counters: dict[tuple[str, int], int] = {}
        for plan in sorted(items, key=lambda p: (p.start, p.key)):
            prefix = plan.direction if code == FR_CODE else ""
            number = counters.get((prefix, plan.start.year), 0) + 1
            counters[(prefix, plan.start.year)] = number
            plan.our_reference = makers[code](plan.direction, plan.kind, plan.start.year, number)
    # Each side knows the other's reference once the request has been acknowledged.
    for items in plans.values():
        for plan in items:
            base = plan.mirror_of
            if base is None:
                continue
            if plan.direction == Direction.INCOMING or plan.outcome != Status.SENT:
                plan.their_reference = base.our_reference
            if base.direction == Direction.INCOMING or base.outcome != Status.SENT:
                base.their_reference = plan.our_reference
    for items in plans.values():
        for plan in items:
            acknowledged = plan.was_sent and not (
                plan.direction == Direction.OUTGOING and plan.outcome == Status.SENT
            )
            if plan.their_reference or plan.mirror_of is not None or not acknowledged:
                continue
            year = plan.start.year
            plan.their_reference = {
                "US": f"182-{rng.randint(10000, 99999)}",
                "GB": f"UKCA/{year}/{rng.randint(100, 9999)}",
                "DE": f"RHSt {rng.randint(100, 999)}/{year % 100:02d}",
                "CH": f"B-{rng.randint(100000, 999999)}",
            }.get(plan.counterpart, f"{plan.counterpart}-{year}-{rng.randint(100, 9999):04d}")


def _documents(rng: random.Random, plans: dict[str, list[Plan]]) -> None:
    """Choose the few requests that get a generated letter, order or translation attached."""
    fr = plans[FR_CODE]
    wanted = [
        ("request", lambda p: p.direction == Direction.OUTGOING and p.outcome != Status.DRAFT),
        ("request", lambda p: p.direction == Direction.INCOMING),
        ("court_order", lambda p: p.direction == Direction.INCOMING and p.kind == "extradition"),
        ("evidence", lambda p: p.direction == Direction.INCOMING and p.outcome == Status.EXECUTED),
        ("translation", lambda p: p.direction == Direction.OUTGOING and p.outcome == Status.SENT),
        ("request", lambda p: p.direction == Direction.OUTGOING and p.outcome == Status.DRAFT),
    ]
    for kind, test in wanted:
        candidates = [p for p in fr if not p.document and test(p)]
        if candidates:
            rng.choice(candidates).document = kind
    for code in (p.code for p in PARTNERS):
        candidates = [p for p in plans[code] if p.mirror_of is not None]
        if candidates:
            candidates[0].document = "request"


# --- Writing it through the actions ----------------------------------------------------------


class Writer:
    """Carry the plans out through the case actions, back-dated."""

    def __init__(
        self, plans: dict[str, list[Plan]], links: list[Link], today: datetime.date
    ) -> None:
        self.plans = plans
        self.links = links
        self.today = today
        self.users = {u.username: u for u in User.objects.filter(authority__isnull=False)}
        self.authorities = {a.code: a for a in Authority.objects.filter(code__in=list(plans))}
        self.central = {
            ca.profile_id: ca
            for ca in CompetentAuthority.objects.filter(is_central=True).select_related("profile")
        }
        self.instruments = {i.code: i for i in Instrument.objects.all()}
        self.cases: dict[int, Case] = {}
        self.officers: dict[int, User] = {}
        self.rng = random.Random(SEED + 1)  # noqa: S311 - demo data, not secrets

    def write(self) -> int:
        written = 0
        for code, items in self.plans.items():
            authority = self.authorities.get(code)
            if authority is None or Case.objects.filter(authority=authority).exists():
                continue
            if code == FR_CODE:
                self._holidays(authority)
            for plan in sorted(items, key=lambda p: (p.start, p.key)):
                self._write(authority, plan)
                written += 1
        self._links()
        return written

    def _holidays(self, authority: Authority) -> None:
        admin = self.users.get("anne.admin")
        if admin is None:
            return
        known = set(Holiday.objects.filter(authority=authority).values_list("day", flat=True))
        for year in (self.today.year - 1, self.today.year, self.today.year + 1):
            for day, name in french_holidays(year):
                if day not in known:
                    do_add_holiday(authority, day, name, acting_user=admin)

    def _at(self, day: datetime.date, after: datetime.datetime | None) -> datetime.datetime:
        moment = timezone.make_aware(
            datetime.datetime.combine(day, datetime.time(8, 30))
            + datetime.timedelta(minutes=self.rng.randint(0, 540))
        )
        if after is not None and moment <= after:
            moment = after + datetime.timedelta(minutes=self.rng.randint(3, 40))
        return min(moment, timezone.now())

    def _fields(self, authority: Authority, plan: Plan) -> dict[str, Any]:
        theme, lang, words = plan.theme, plan.lang, plan.words
        home = authority.state_id
        if plan.kind == CooperationKind.MLA:
            # Variants are in the same order in every language, so both sides of a request
            # carry the same subject.
            variants = theme.subjects[lang]
            subject = variants[min(int(words["variant"]), len(variants) - 1)]
            purpose = theme.purpose[lang]
        else:
            subject = KIND_SUBJECTS[plan.kind][lang]
            purpose = KIND_PURPOSES[plan.kind][lang]
        short = theme.short[lang]
        subject = plan.subject_prefix + subject.format(**(words | {"short": short}))
        fields: dict[str, Any] = {
            "kind": plan.kind,
            "our_reference": plan.our_reference,
            "their_reference": plan.their_reference,
            "subject": subject[:300],
            "summary_of_facts": _fill(KIND_FACTS.get(plan.kind, {}).get(lang, "{facts}"), words)
            .replace("{facts}", _fill(theme.facts[lang], words))
            .replace("{short}", theme.short[lang]),
            "purpose": purpose.format(**words),
            "officer": self.users[plan.officer],
            "urgency": plan.urgency,
            "confidentiality": plan.confidentiality,
            "requested_deadline": plan.requested_deadline,
        }
        other = plan.counterpart
        other_central = self.central.get(other)
        other_name = _authority_name(other_central, other)
        home_central = self.central.get(home)
        home_name = _authority_name(home_central, home)
        prosecutors = PROSECUTORS.get(other, ("",))
        if plan.direction == Direction.INCOMING:
            fields |= {
                "requesting_state_id": other,
                "requesting_authority": other_central,
                "requesting_authority_name": other_name,
                "requested_authority": home_central,
                "requested_authority_name": home_name,
                "conducting_authority": self.rng.choice(prosecutors),
                "executing_authority": self._executing(plan, home),
            }
        else:
            fields |= {
                "requested_state_id": other,
                "requested_authority": other_central,
                "requested_authority_name": other_name,
                "conducting_authority": self._executing(plan, home),
                "requesting_authority": home_central,
                "requesting_authority_name": home_name,
            }
        instrument = self.instruments.get(theme.instrument) if theme.instrument else None
        article = KIND_ARTICLES.get(theme.instrument, {}).get(plan.kind, "")
        if instrument is not None and article:
            fields |= {
                "legal_basis": instrument,
                "legal_basis_article": article,
                "legal_basis_as_of": instrument.as_of,
            }
        elif theme.note:
            fields["legal_basis_note"] = theme.note
        else:
            fields["legal_basis_note"] = {
                "fr": "Réciprocité",
                "en": "Reciprocity",
                "es": "Reciprocidad",
            }[lang]
        if plan.kind == CooperationKind.EXTRADITION and plan.urgency == Urgency.VERY_URGENT:
            fields["procedure"] = {
                "fr": "Personne placée sous écrou extraditionnel : traiter en priorité.",
                "en": "The person is held pending extradition: treat as a priority.",
                "es": "La persona está detenida con fines de extradición: tramitar con prioridad.",
            }[lang]
        return fields

    def _executing(self, plan: Plan, home: str) -> str:
        if home != "FR":
            return self.rng.choice(PROSECUTORS.get(home, ("",)))
        if plan.kind == CooperationKind.EXTRADITION:
            return self.rng.choice(FR_EXTRADITION_EXECUTING)
        if plan.kind == CooperationKind.TRANSFER_OF_SENTENCED_PERSONS:
            return FR_TRANSFER_EXECUTING[0]
        return self.rng.choice(FR_EXECUTING[plan.theme.key])

    def _offences(self, plan: Plan, law_state: str) -> list[dict[str, Any]]:
        theme = plan.theme
        name, provision = theme.offences.get(law_state, theme.offences["*"])
        offences = [{"national_name": name, "national_provision": provision, "iccs_id": theme.iccs}]
        if law_state == "FR" and theme.extra_fr and self.rng.random() < 0.5:
            extra_name, extra_provision, extra_iccs = theme.extra_fr
            offences.append(
                {
                    "national_name": extra_name,
                    "national_provision": extra_provision,
                    "iccs_id": extra_iccs,
                }
            )
        return offences

    def _write(self, authority: Authority, plan: Plan) -> None:
        officer = self.users[plan.officer]
        # The offence as the requesting state's law names it.
        law_state = plan.counterpart if plan.direction == Direction.INCOMING else authority.state_id
        at = self._at(plan.start, None)
        case = do_register_case(
            authority,
            direction=plan.direction,
            fields=self._fields(authority, plan),
            acting_user=officer,
            offences=self._offences(plan, law_state),
            persons=plan.persons,
            measures=plan.measures,
            at=at,
        )
        self.cases[plan.key] = case
        self.officers[plan.key] = officer
        registered_at = at
        measures = list(case.measures.order_by("id"))
        for step in plan.steps:
            op = step.op
            at = self._at(step.day, at)
            if op.kind == "transition":
                reason = self._reason(plan, op.reason)
                ground = plan.ground if op.ground else ""
                do_transition(
                    case,
                    op.name,
                    acting_user=officer,
                    reason=reason,
                    ground=ground,
                    on=step.day,
                    at=at,
                )
            elif op.kind == "measure":
                do_change_measure_status(
                    measures[op.measure],
                    op.status,
                    acting_user=officer,
                    reason=self._reason(plan, op.reason),
                    ground=plan.ground if op.ground else "",
                    on=step.day,
                    at=at,
                )
            elif op.kind == "follow_up":
                self._follow_up(case, plan, op.name, step.day, at, officer)
        if (
            plan.target in OPEN_TARGETS
            and plan.kind == CooperationKind.MLA
            and self.rng.random() < 0.1
        ):
            # A measure added lately, after a call with the other side; still to be executed.
            taken = {m.kind for m in measures}
            kind = self.rng.choice(
                [k for k in plan.theme.measures if k not in taken] or [MeasureType.OTHER]
            )
            day = min(max(plan.last_day, self.today - datetime.timedelta(days=10)), self.today)
            do_add_measure(
                case,
                kind=kind,
                description=_fill(MEASURE_TEXTS[plan.lang][kind], plan.words),
                acting_user=officer,
                **_dated(do_add_measure, self._at(day, at)),
            )
        if plan.document:
            when = at if plan.document == "evidence" else registered_at
            self._document(case, plan, officer, self._at(when.date(), when))

    def _reason(self, plan: Plan, key: str) -> str:
        if not key:
            return ""
        if key == "refuse":
            return REFUSALS[plan.lang][plan.ground]
        return self.rng.choice(REASONS[plan.lang][key])

    def _follow_up(
        self,
        case: Case,
        plan: Plan,
        direction: str,
        day: datetime.date,
        at: datetime.datetime,
        officer: User,
    ) -> None:
        texts = FOLLOW_UPS[plan.lang]
        follow_up = do_log_follow_up(
            case,
            direction=direction,
            asked_on=day,
            question=self.rng.choice(texts[direction]),
            acting_user=officer,
            **_dated(do_log_follow_up, at),
        )
        answered = _workday(day + datetime.timedelta(days=self.rng.randint(2, 25)), day)
        # Most are answered; a few recent ones wait, some of them past the time allowed.
        if answered < self.today and self.rng.random() < 0.7:
            do_answer_follow_up(
                follow_up,
                answered_on=answered,
                answer=self.rng.choice(texts["answer"]),
                acting_user=officer,
                **_dated(do_answer_follow_up, self._at(answered, at)),
            )

    def _document(self, case: Case, plan: Plan, officer: User, at: datetime.datetime) -> None:
        title, kind, name, content, content_type = demo_document(case, plan)
        do_add_document(
            case,
            title=title,
            kind=kind,
            upload=io.BytesIO(content),
            original_name=name,
            declared_type=content_type,
            acting_user=officer,
            **_dated(do_add_document, at),
        )

    def _links(self) -> None:
        for source, target, kind in self.links:
            if source in self.cases and target in self.cases:
                case, other = self.cases[source], self.cases[target]
                day = max(case.created_at, other.created_at)
                do_link_cases(
                    case,
                    other,
                    kind,
                    acting_user=self.officers[source],
                    **_dated(do_link_cases, self._at(timezone.localdate(day), day)),
                )


def _fill(template: str, words: dict[str, str]) -> str:
    """The template with the request's words; "S.A.S.." loses its doubled full stop."""
    return template.format_map(_Keep(words)).replace("..", ".")


class _Keep(dict[str, str]):
    """Leave unknown placeholders as they are (filled in a second pass)."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _authority_name(authority: CompetentAuthority | None, state: str) -> str:
    """A central authority's name as its own state writes it (from the directory if listed)."""
    if authority is None:
        return CENTRAL_AUTHORITIES.get(state, "")
    own = getattr(authority, f"name_{OWN_LANGUAGE.get(state, 'en')}", "")
    return str(own or getattr(authority, "name_en", "") or authority.name)


@functools.cache
def _takes_at(action: Callable[..., Any]) -> bool:
    return "at" in inspect.signature(action).parameters


def _dated(action: Callable[..., Any], at: datetime.datetime) -> dict[str, Any]:
    """``at=`` for the actions that can back-date their history line; nothing for others."""
    return {"at": at} if _takes_at(action) else {}


# --- Documents -------------------------------------------------------------------------------


PDF_TYPE = "application/pdf"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def demo_document(case: Case, plan: Plan) -> tuple[str, str, str, bytes, str]:
    """(title, kind, file name, content, type) of the generated document of a demo request."""
    reference = case.our_reference.replace("/", "-")
    lines = [
        case.subject,
        "",
        f"Ref. {case.our_reference}"
        + (f" / {case.their_reference}" if case.their_reference else ""),
        f"{case.requesting_state} -> {case.requested_state}",
        "",
        *_wrap(case.summary_of_facts, 90),
        "",
        *_wrap(case.purpose, 90),
        "",
        "Document de démonstration — données fictives / Demo document — fictitious data",
    ]
    titles = {
        "request": {"fr": "Demande d'entraide (original signé)", "en": "Letter of request (signed)",
                    "es": "Solicitud de asistencia (firmada)"},
        "court_order": {"fr": "Mandat d'arrêt et pièces de la demande d'extradition",
                        "en": "Arrest warrant and extradition file", "es": "Orden de detención"},
        "evidence": {"fr": "Procès-verbaux d'exécution", "en": "Records of execution",
                     "es": "Actas de ejecución"},
        "translation": {"fr": "Traduction de la demande", "en": "Translation of the request",
                        "es": "Traducción de la solicitud"},
    }  # fmt: skip
    title = titles[plan.document][plan.lang]
    kind = {
        "request": DocumentKind.REQUEST,
        "court_order": DocumentKind.COURT_ORDER,
        "evidence": DocumentKind.EVIDENCE,
        "translation": DocumentKind.TRANSLATION,
    }[plan.document]
    if plan.document in ("evidence", "translation"):
        return title, kind, f"{reference}-{plan.document}.docx", docx_bytes(title, lines), DOCX_TYPE
    return title, kind, f"{reference}-{plan.document}.pdf", pdf_bytes(title, lines), PDF_TYPE


def _wrap(text: str, width: int) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    if current:
        lines.append(current)
    return lines


def pdf_bytes(title: str, lines: list[str]) -> bytes:
    """A one-page PDF with a title and lines of text (Helvetica, WinAnsi encoding)."""

    def literal(text: str) -> bytes:
        raw = text.encode("cp1252", errors="replace")
        return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"

    stream = b"BT /F1 15 Tf 56 780 Td " + literal(title) + b" Tj /F1 10 Tf 0 -28 Td 13 TL "
    for line in lines:
        stream += literal(line) + b" Tj T* "
    stream += b"ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Title " + literal(title) + b" /Producer (Rogatory demo data) >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info {len(objects)} 0 R >>\n"
        f"startxref\n{xref}\n%%EOF\n"
    ).encode()
    return bytes(out)


def docx_bytes(title: str, lines: list[str]) -> bytes:
    """A Word document with a title and paragraphs."""
    import docx  # python-docx; imported here so that loading the module stays cheap

    document = docx.Document()
    document.core_properties.title = title
    document.add_heading(title, level=1)
    for line in lines:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- Calendar --------------------------------------------------------------------------------


def easter(year: int) -> datetime.date:
    """Easter Sunday in the Gregorian calendar (the anonymous algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return datetime.date(year, month, day + 1)


def french_holidays(year: int) -> list[tuple[datetime.date, str]]:
    """The eleven public holidays of metropolitan France (Code du travail, art. L. 3133-1)."""
    sunday = easter(year)
    return sorted(
        [
            (datetime.date(year, 1, 1), "Jour de l'an"),
            (sunday + datetime.timedelta(days=1), "Lundi de Pâques"),
            (datetime.date(year, 5, 1), "Fête du Travail"),
            (datetime.date(year, 5, 8), "Victoire 1945"),
            (sunday + datetime.timedelta(days=39), "Ascension"),
            (sunday + datetime.timedelta(days=50), "Lundi de Pentecôte"),
            (datetime.date(year, 7, 14), "Fête nationale"),
            (datetime.date(year, 8, 15), "Assomption"),
            (datetime.date(year, 11, 1), "Toussaint"),
            (datetime.date(year, 11, 11), "Armistice 1918"),
            (datetime.date(year, 12, 25), "Noël"),
        ]
    )


def load_demo_cases(today: datetime.date | None = None) -> int:
    """Register the demo requests of every demo authority that has none yet; return how many."""
    today = today or timezone.localdate()
    plans, links = plan_all(today)
    return Writer(plans, links, today).write()
