"""Rendering of the request document to DOCX and PDF (rogatory.drafting.render).

Arabic in extracted PDF text: pypdf returns what the content stream maps through ToUnicode,
which for shaped Arabic can be presentation forms (U+FB50-U+FEFF) and, between words, visual
order. The tests therefore normalise with NFKC (presentation forms -> base letters), drop the
tatweel and compare Arabic *words* (each must occur), not whole sentences. Chinese text may
come back with spaces between characters, so whitespace is removed before comparing. (Why the
Chinese font is Droid Sans Fallback and not Noto Sans CJK: see rogatory/lib/fonts.py.)
"""

from __future__ import annotations

import copy
import io
import json
import re
import tomllib
import unicodedata
from pathlib import Path
from typing import Any

import docx
import jsonschema
import pytest
from pypdf import PdfReader

from rogatory.drafting.render import render_docx, render_pdf
from rogatory.drafting.render.texts import LANGUAGES, TEXTS_DIR, Texts, normalise_language
from rogatory.lib import fonts

SCHEMA = Path(__file__).resolve().parent.parent / "schemas" / "request-1.schema.json"

# What the drafter wrote, in the language of each request (it stays as written).
USER_TEXT: dict[str, dict[str, str]] = {
    "en": {
        "subject": "Investigation of aggravated money laundering by an organised group.",
        "summary_of_facts": "Between 2024 and 2025 the company Lefèvre Import transferred "
        "EUR 2.4 million to an account in Nairobi.\nThe funds are believed to come from "
        "drug trafficking.",
        "purpose": "To establish the origin and destination of the funds.",
    },
    "fr": {
        "subject": "Information judiciaire pour blanchiment en bande organisée.",
        "summary_of_facts": "Entre 2024 et 2025, la société Lefèvre Import a viré 2,4 "
        "millions d'euros vers un compte à Nairobi.\nLes fonds proviendraient d'un trafic "
        "de stupéfiants.",
        "purpose": "Établir l'origine et la destination des fonds.",
    },
    "es": {
        "subject": "Investigación por blanqueo de capitales agravado.",
        "summary_of_facts": "Entre 2024 y 2025, la sociedad Lefèvre Import transfirió 2,4 "
        "millones de euros a una cuenta en Nairobi.",
        "purpose": "Determinar el origen y el destino de los fondos.",
    },
    "ru": {
        "subject": "Расследование отмывания денежных средств организованной группой.",
        "summary_of_facts": "В 2024–2025 годах компания Lefèvre Import перевела 2,4 млн "
        "евро на счет в Найроби.",
        "purpose": "Установить происхождение и назначение денежных средств.",
    },
    "zh": {
        "subject": "洗钱案件侦查。",
        "summary_of_facts": "2025年3月，犯罪嫌疑人通过上海某公司向François Lefèvre控制的"
        "账户转移资金。",
        "purpose": "查明资金来源和去向。",
    },
    "ar": {
        "subject": "تحقيق في غسل الأموال.",
        "summary_of_facts": "قام المشتبه فيه بتحويل أموال إلى حساب مصرفي في نيروبي يسيطر "
        "عليه François Lefèvre.",
        "purpose": "تحديد مصدر الأموال ووجهتها.",
    },
}


def complete_document(language: str) -> dict[str, Any]:
    """A request that fills every field of the shared shape, free text in ``language``."""
    document: dict[str, Any] = {
        "format": "rogatory-request",
        "format_version": 1,
        "kind": "mla",
        "language": language,
        "written_in": language,
        "date": "2026-11-23",
        "reference": {"ours": "OUT-2026-00012", "theirs": "ODPP/MLA/77"},
        "requesting": {
            "state": "FR",
            "state_name": "France",
            "authority": "Ministère de la Justice, Bureau de l'entraide pénale internationale",
            "conducting_authority": "Juge d'instruction, Tribunal judiciaire de Paris",
        },
        "requested": {
            "state": "KE",
            "state_name": "Kenya",
            "authority": "Office of the Director of Public Prosecutions",
        },
        "legal_basis": {
            "instrument": "untoc",
            "title": "United Nations Convention against Transnational Organized Crime",
            "article": "art. 18",
            "note": "",
            "as_of": "2026-11-01",
        },
        "urgency": "urgent",
        "confidentiality": "confidential",
        "deadline": "2027-02-01",
        "procedure": "Certified copies with a certificate of authenticity from the bank.",
        "offences": [
            {
                "national_name": "Blanchiment aggravé",
                "national_provision": "Code pénal, art. 324-2",
                "iccs": "07041",
                "iccs_title": "Money laundering",
            }
        ],
        "persons": [
            {
                "role": "suspect",
                "name": "François Lefèvre",
                "other_names": "Frank Lefevre",
                "is_legal_person": False,
                "date_of_birth": "1975-04-02",
                "place_of_birth": "Lyon",
                "nationality": "FR",
                "identity_document": "Passport 19AB12345",
                "location": "Nairobi",
            },
            {
                "role": "asset_holder",
                "name": "Lefèvre Import SARL",
                "other_names": "",
                "is_legal_person": True,
                "date_of_birth": None,
                "place_of_birth": "",
                "nationality": "",
                "identity_document": "",
                "location": "",
            },
        ],
        "measures": [
            {
                "kind": "bank_records",
                "description": "Statements and account-opening documents.",
                "details": {
                    "institution": "Equity Bank Kenya",
                    "account": "0180291234567",
                    "holder": "Lefèvre Import SARL",
                    "period_from": "2024-01-01",
                    "period_to": "2025-12-31",
                },
            },
            {
                "kind": "taking_evidence",
                "description": "Hearing of the branch manager.",
                "details": {
                    "witness": "Mr Otieno",
                    "questions": ["Who opened the account?", "Who gave the transfer orders?"],
                    "oath": True,
                    "presence_of_officials": False,
                    "videoconference": True,
                },
            },
            {
                "kind": "freezing",
                "description": "",
                "details": {
                    "assets": "Balance of the account",
                    "estimated_value": 2400000,
                    "currency": "EUR",
                },
            },
            {
                "kind": "provisional_arrest",
                "description": "",
                "details": {
                    "person": "François Lefèvre",
                    "warrant_reference": "Mandat d'arrêt 2026/118",
                    "warrant_date": "2026-10-30",
                    "issuing_authority": "Juge d'instruction, Paris",
                    "sentence": "",
                },
            },
        ],
        "annexes": [
            {"title": "Ordonnance du juge d'instruction du 3 novembre 2026", "kind": "court_order"}
        ],
        "formalities": {
            "translation_attached": False,
            "translation_certified": False,
            "legalised": False,
            "undertakings": "The evidence will be used only for the purpose stated.",
        },
        "signatory": {"name": "Claire Dubois", "title": "Head of the international unit"},
    }
    document.update(USER_TEXT[language])
    return document


def minimal_document(language: str = "en") -> dict[str, Any]:
    """Only what identifies a request; every optional part missing or null."""
    return {
        "format": "rogatory-request",
        "format_version": 1,
        "kind": "mla",
        "language": language,
        "reference": {"ours": "OUT-2026-00013"},
        "requesting": {"state": "FR"},
        "requested": {"state": "KE"},
        "legal_basis": None,
        "deadline": None,
        "signatory": {},
    }


def title(language: str, kind: str = "mla") -> str:
    return Texts(language)[f"title.{kind}"]


def docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def squeeze(text: str) -> str:
    """NFKC, no tatweel, no whitespace: comparable across extraction quirks."""
    folded = unicodedata.normalize("NFKC", text).replace("\u0640", "")
    return re.sub(r"\s+", "", folded)


def arabic_words(text: str) -> list[str]:
    return re.findall(r"[\u0600-\u06ff]+", unicodedata.normalize("NFKC", text))


def embedded_fonts(data: bytes) -> dict[str, set[str]]:
    """Base font name -> the FontFile keys of its descriptor, for every font used."""
    found: dict[str, set[str]] = {}
    for page in PdfReader(io.BytesIO(data)).pages:
        resources: Any = page["/Resources"]
        for ref in resources["/Font"].values():
            font = ref.get_object()
            descendant = font["/DescendantFonts"][0].get_object()
            descriptor = descendant["/FontDescriptor"].get_object()
            found[str(font["/BaseFont"])] = {k for k in descriptor if k.startswith("/FontFile")}
    return found


# -- fixed texts ------------------------------------------------------------------------


def test_every_language_file_has_the_keys_of_english() -> None:
    def load(language: str) -> dict[str, Any]:
        with (TEXTS_DIR / f"{language}.toml").open("rb") as handle:
            return tomllib.load(handle)

    def keys(table: dict[str, Any], prefix: str = "") -> dict[str, str]:
        out: dict[str, str] = {}
        for key, value in table.items():
            if isinstance(value, dict):
                out.update(keys(value, f"{prefix}{key}."))
            else:
                out[f"{prefix}{key}"] = value
        return out

    english = keys(load("en"))
    assert sorted(path.stem for path in TEXTS_DIR.glob("*.toml")) == sorted(LANGUAGES)
    for language in LANGUAGES:
        texts = keys(load(language))
        assert set(texts) == set(english), (
            language,
            sorted(set(english) - set(texts)),
            sorted(set(texts) - set(english)),
        )
        for key, value in texts.items():
            # The same placeholders, and no English left behind in another language.
            assert set(re.findall(r"\{\w+\}", value)) == set(
                re.findall(r"\{\w+\}", english[key])
            ), (language, key)
            assert value.strip(), (language, key)


def test_language_codes_are_normalised() -> None:
    assert normalise_language("zh-hans") == "zh"
    assert normalise_language("zh_Hans") == "zh"
    assert normalise_language("FR") == "fr"
    assert normalise_language("de") == "en"
    assert normalise_language(None) == "en"
    assert Texts("ar").rtl and not Texts("zh").rtl


def test_the_fixtures_validate_against_the_published_schema() -> None:
    if not SCHEMA.exists():
        pytest.skip("schemas/request-1.schema.json is not published yet")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    for language in LANGUAGES:
        errors = [error.message for error in validator.iter_errors(complete_document(language))]
        assert errors == [], (language, errors)


# -- DOCX ---------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_docx_in_each_language_reopens_with_title_and_user_text(language: str) -> None:
    data = render_docx(complete_document(language))
    document = docx.Document(io.BytesIO(data))
    first = document.paragraphs[0]
    assert first.style is not None and first.style.name == "Title"
    assert first.text == title(language)
    headings = [p.text for p in document.paragraphs if p.style and p.style.name == "Heading 1"]
    assert len(headings) == 12
    assert headings[0] == f"1. {Texts(language)['section.addressee']}"
    assert any(p.style and p.style.name == "Heading 2" for p in document.paragraphs)
    text = docx_text(data)
    for value in USER_TEXT[language].values():
        for line in value.splitlines():
            assert line in text, (language, line)
    assert "François Lefèvre" in text and "Equity Bank Kenya" in text
    assert Texts(language)["measure.bank_records"] in text
    assert Texts(language)["detail.institution"] in text
    assert "Claire Dubois" in text
    assert len(document.tables) == 2  # offences and persons
    # In Arabic, left-to-right lines are wrapped in invisible LEFT-TO-RIGHT MARKs.
    name_cell = document.tables[1].rows[1].cells[2].text.replace("\u200e", "")
    assert name_cell.startswith("François Lefèvre")
    assert document.core_properties.title == title(language)


def test_docx_arabic_is_right_to_left_and_language_tagged() -> None:
    data = render_docx(complete_document("ar"))
    document = docx.Document(io.BytesIO(data))
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    body = document.element.body
    paragraphs = body.findall(f".//{w}p")
    assert paragraphs and all(p.find(f"{w}pPr/{w}bidi") is not None for p in paragraphs)
    assert all(t.find(f"{w}tblPr/{w}bidiVisual") is not None for t in body.findall(f".//{w}tbl"))
    assert body.find(f"{w}sectPr/{w}bidi") is not None
    lang = document.styles["Normal"].element.find(f"{w}rPr/{w}lang")
    assert lang is not None and lang.get(f"{w}val") == "ar-SA"
    arabic_runs = [
        r for r in body.iter(f"{w}r") if re.search("[\u0600-\u06ff]", r.xpath("string(.)"))
    ]
    assert arabic_runs and all(r.find(f"{w}rPr/{w}rtl") is not None for r in arabic_runs)
    # Left-to-right languages carry no bidi marks.
    french = docx.Document(io.BytesIO(render_docx(complete_document("fr"))))
    assert french.element.body.find(f".//{w}bidi") is None


def test_left_to_right_lines_keep_their_punctuation_in_right_to_left_documents() -> None:
    document = complete_document("ar")
    document["measures"][0]["description"] = "Statements of account."
    text = docx_text(render_docx(document))
    assert "\u200eStatements of account.\u200e" in text
    assert "\u200e" not in docx_text(render_docx(complete_document("fr")))
    assert "\u200eStatements of account.\u200e" in pdf_text(render_pdf(document))


def test_docx_has_page_x_of_y_in_the_footer() -> None:
    document = docx.Document(io.BytesIO(render_docx(complete_document("en"))))
    footer = document.sections[0].footer.paragraphs[0]._p
    instructions = [node.text.strip() for node in footer.iter() if node.tag.endswith("instrText")]
    assert instructions == ["PAGE", "NUMPAGES"]
    shown = "".join(node.text or "" for node in footer.iter() if node.tag.endswith("}t"))
    assert shown == "Page 1 of 1"


def test_docx_is_deterministic() -> None:
    document = complete_document("zh")
    first, second = render_docx(document), render_docx(copy.deepcopy(document))
    assert docx_text(first) == docx_text(second)
    assert first == second


# -- PDF ----------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_pdf_in_each_language_embeds_its_fonts(language: str) -> None:
    data = render_pdf(complete_document(language))
    assert data.startswith(b"%PDF-")
    fonts_used = embedded_fonts(data)
    assert fonts_used
    for name, files in fonts_used.items():
        assert files & {"/FontFile2", "/FontFile3"}, (name, files)
    main = {"ar": "NotoNaskhArabic", "zh": "DroidSansFallback"}.get(language, "NotoSans")
    assert any(name.endswith(f"+{main}") for name in fonts_used), fonts_used
    text = pdf_text(data)
    if language not in ("ar", "zh"):
        assert title(language) in text.replace("\n", " ")
        assert USER_TEXT[language]["purpose"] in text.replace("\n", " ")
        assert (
            Texts(language).fmt(
                "document.page", page=1, pages=len(PdfReader(io.BytesIO(data)).pages)
            )
            in text
        )


def test_pdf_chinese_text_with_a_french_name_is_extractable() -> None:
    data = render_pdf(complete_document("zh"))
    text = squeeze(pdf_text(data))
    assert squeeze(title("zh")) in text
    assert squeeze("查明资金来源和去向。") in text
    assert squeeze("2025年3月，犯罪嫌疑人通过上海某公司向François Lefèvre控制的") in text
    assert squeeze("第 1 页，共 ") in text
    used = embedded_fonts(data)
    assert any(name.endswith("+DroidSansFallback") for name in used)
    assert any(name.endswith("+NotoSans") for name in used)  # the French name


def test_pdf_chinese_text_beyond_256_distinct_characters_is_extractable() -> None:
    document = complete_document("zh")
    characters = "".join(chr(code) for code in range(0x4E00, 0x4E00 + 600))
    document["summary_of_facts"] += "\n" + characters
    text = squeeze(pdf_text(render_pdf(document)))
    assert characters[:200] in text  # the rest may be cut by a page break
    assert set(characters) <= set(text)
    assert squeeze(USER_TEXT["zh"]["purpose"]) in text


def test_pdf_arabic_text_is_shaped_and_extractable() -> None:
    data = render_pdf(complete_document("ar"))
    raw = pdf_text(data)
    words = set(arabic_words(raw))
    expected = arabic_words(title("ar") + " " + USER_TEXT["ar"]["summary_of_facts"])
    assert [word for word in expected if word not in words] == []
    assert "François Lefèvre" in unicodedata.normalize("NFKC", raw)
    used = embedded_fonts(data)
    assert any(name.endswith("+NotoNaskhArabic") for name in used)
    assert any(name.endswith("+NotoSans") for name in used)  # the Latin name's fallback


def test_pdf_arabic_names_in_a_french_request_fall_back_to_an_arabic_font() -> None:
    document = complete_document("fr")
    document["persons"][0]["other_names"] = "فرانسوا لوفيفر"
    used = embedded_fonts(render_pdf(document))
    assert any(name.endswith("+NotoNaskhArabic") for name in used)
    assert not any("Droid" in name for name in used)  # loaded only when needed


def test_pdf_page_numbers_and_braces_in_user_text() -> None:
    document = complete_document("en")
    document["purpose"] = "Page {nb} of the ledger {page}."
    text = pdf_text(render_pdf(document))
    pages = text.count("Page ") - 1
    assert "Page {nb} of the ledger {page}." in text.replace("\n", " ")
    assert f"Page 1 of {pages}" in text and f"Page {pages} of {pages}" in text


def test_pdf_is_deterministic() -> None:
    document = complete_document("fr")
    assert render_pdf(document) == render_pdf(copy.deepcopy(document))


# -- missing parts ----------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_missing_optional_fields_do_not_crash(language: str) -> None:
    document = minimal_document(language)
    docx_data = render_docx(document)
    text = docx_text(docx_data)
    assert title(language) in text
    assert Texts(language)["field.no_legal_basis"] in text
    assert Texts(language)["annex.none"] in text
    assert render_pdf(document).startswith(b"%PDF-")


def test_unknown_kinds_and_details_are_shown_as_written() -> None:
    document = complete_document("en")
    document["kind"] = "extradition"
    document["measures"] = [{"kind": "bank_records", "details": {"swift_code": "EQBLKENA"}}]
    text = docx_text(render_docx(document))
    assert title("en", "extradition") in text
    assert "swift code: EQBLKENA" in text


def test_missing_fonts_fail_clearly(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ROGATORY_FONT_DIRS", str(tmp_path))
    fonts.find.cache_clear()
    try:
        with pytest.raises(fonts.FontsMissing, match="fonts-noto-core"):
            render_pdf(complete_document("en"))
    finally:
        monkeypatch.delenv("ROGATORY_FONT_DIRS")
        fonts.find.cache_clear()


@pytest.mark.parametrize(
    ("language", "typed", "said"),
    [
        ("ar", "art. 18", "المادة 18"),
        ("ar", "Art. 46(9)", "الفقرة 9 من المادة 46"),
        ("zh", "art. 46(9)", "第46条第9款"),
        ("fr", "art. 18 (3)(b)", "article 18, paragraphe 3 (b)"),
        ("en", "art. 18", "article 18"),
        (
            "en",
            "UNCAC art. 46 and the 2003 bilateral treaty",
            "UNCAC art. 46 and the 2003 bilateral treaty",
        ),
    ],
)
def test_the_article_is_said_in_the_requests_language(language: str, typed: str, said: str) -> None:
    """ "art. 18" typed in the case reads "المادة 18" in an Arabic request; free text stays."""
    from rogatory.drafting.render.outline import build_outline

    document = {"language": language, "legal_basis": {"title": "UNTOC", "article": typed}}
    section = next(s for s in build_outline(document).sections if s.number == "2")
    values = {f.value for f in section.fields}
    assert said in values


@pytest.mark.parametrize("language", ["en", "fr", "es", "ru", "ar", "zh"])
@pytest.mark.parametrize("level", ["confidential", "strict"])
def test_a_request_under_uncac_cites_uncac_first(language: str, level: str) -> None:
    """The confidentiality paragraph names the instrument the request relies on first."""
    from rogatory.drafting.render.outline import build_outline

    def paragraph(instrument: str) -> str:
        document = {
            "language": language,
            "confidentiality": level,
            "legal_basis": {"instrument": instrument, "title": "", "article": ""},
        }
        section = next(s for s in build_outline(document).sections if s.number == "9")
        return section.paragraphs[0]

    marks = {"en": ("46", "18"), "fr": ("46", "18"), "es": ("46", "18"), "ru": ("46", "18")}
    marks |= {"ar": ("46", "18"), "zh": ("四十六", "十八条")}
    uncac, untoc = marks[language]
    under_uncac, under_untoc = paragraph("uncac"), paragraph("untoc")
    assert under_uncac.index(uncac) < under_uncac.index(untoc)
    assert under_untoc.index(untoc) < under_untoc.index(uncac)


def test_the_contact_for_follow_up_is_printed() -> None:
    from rogatory.drafting.render.outline import build_outline

    document = {
        "language": "fr",
        "contact": {"name": "B. Caseworker", "phone": "+33 1 44 77 60 60", "email": "a@b.fr"},
    }
    line = build_outline(document).contact_line
    assert line.startswith("Personne à contacter")
    assert "B. Caseworker, +33 1 44 77 60 60, a@b.fr" in line
    assert build_outline({"language": "fr"}).contact_line == ""
