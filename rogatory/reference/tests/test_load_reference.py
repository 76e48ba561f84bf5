"""The reference files load completely and correctly, and loading twice changes nothing."""

import csv
import re
from pathlib import Path

import pytest
from django.utils import translation

from rogatory.reference.loaders import DATA_DIR, load_reference_data
from rogatory.reference.models import (
    Currency,
    IccsCategory,
    IccsFootnote,
    Language,
    Region,
    State,
    StateLanguage,
)

pytestmark = pytest.mark.django_db


def test_iccs_has_every_level_complete() -> None:
    counts = {level: IccsCategory.objects.filter(level=level).count() for level in (1, 2, 3, 4)}
    assert counts == {1: 11, 2: 63, 3: 148, 4: 98}
    assert IccsFootnote.objects.count() == 108


def test_every_iccs_category_hangs_off_the_right_parent() -> None:
    for category in IccsCategory.objects.exclude(level=1):
        assert category.parent is not None
        assert category.code.startswith(category.parent.code)
        assert category.parent.level == category.level - 1
    assert not IccsCategory.objects.filter(level=1, parent__isnull=False).exists()


def test_iccs_entries_match_the_publication() -> None:
    homicide = IccsCategory.objects.get(code="0101")
    assert homicide.title_en == "Intentional homicide"
    assert homicide.title_es == "Homicidio intencional"
    assert homicide.description_en.startswith("Unlawful death inflicted upon a person")
    assert "femicide" in homicide.inclusions_en
    assert "(0102)" in homicide.exclusions_en
    assert homicide.footnote_refs[0] == 36
    assert IccsCategory.objects.get(code="01").title_en.startswith("Acts leading to death")
    # The publication's Table I misprints 01049 as 01042 and 0909 as 0908 (see notes).
    assert IccsCategory.objects.filter(code__in=["01049", "0909"]).count() == 2
    assert "01042" in IccsCategory.objects.get(code="01049").notes
    assert IccsCategory.objects.get(code="020111").parent_id == "02011"


def test_iccs_titles_exist_in_all_six_languages() -> None:
    for field in ("title_ar", "title_zh_hans", "title_fr", "title_ru"):
        assert not IccsCategory.objects.filter(**{field: ""}).exists(), field
    homicide = IccsCategory.objects.get(code="0101")
    assert re.search(r"[\u0600-\u06ff]", homicide.title_ar)
    assert re.search(r"[\u4e00-\u9fff]", homicide.title_zh_hans)
    assert re.search(r"[\u0400-\u04ff]", homicide.title_ru)


def test_unofficial_titles_files_cover_every_code_in_order() -> None:
    with (DATA_DIR / "iccs" / "iccs_v1_0.csv").open(encoding="utf-8") as handle:
        codes = [row["code"] for row in csv.DictReader(handle)]
    for lang in ("ar", "zh", "fr", "ru"):
        with (DATA_DIR / "iccs" / f"titles_{lang}.csv").open(encoding="utf-8") as handle:
            assert [row["code"] for row in csv.DictReader(handle)] == codes, lang


def test_states_have_iso_codes_and_un_names() -> None:
    assert State.objects.count() == 249
    france = State.objects.get(iso2="FR")
    assert (france.iso3, france.numeric) == ("FRA", "250")
    assert france.name_fr == "France"
    assert france.name_zh_hans == "法国"
    assert france.formal_name_en == "the French Republic"
    assert france.name_ar == "فرنسا"
    assert [region.name_en for region in france.region_path()] == ["Europe", "Western Europe"]
    with translation.override("es"):
        assert str(State.objects.get(iso2="KE")) == "Kenya"


def test_the_names_missing_upstream_are_fixed() -> None:
    ivory = State.objects.get(iso2="CI")
    assert ivory.name_en == "Côte d’Ivoire"
    assert ivory.formal_name_fr == "la République de Côte d'Ivoire"
    turkiye = State.objects.get(iso2="TR")
    assert turkiye.name_en == "Türkiye"
    assert turkiye.formal_name_en == "the Republic of Türkiye"
    for lang in ("ar", "zh_hans", "en", "fr", "ru", "es"):
        assert getattr(turkiye, f"formal_name_{lang}"), lang
        assert getattr(ivory, f"formal_name_{lang}"), lang
    # UNTERM's observer-state asterisk is not part of the name.
    assert State.objects.get(iso2="PS").formal_name_en == "the State of Palestine"


def test_un_members_all_have_formal_names() -> None:
    missing = State.objects.filter(is_independent=True, formal_name_en="").values_list(
        "iso2", flat=True
    )
    # Taiwan is ISO-only; Antarctica and the like are not independent.
    assert set(missing) <= {"TW", "XK"}


def test_m49_regions_form_one_tree_in_six_languages() -> None:
    world = Region.objects.get(code="001")
    assert world.level == Region.Level.GLOBAL and world.parent is None
    africa = Region.objects.get(code="002")
    assert africa.parent == world
    assert (africa.name_en, africa.name_fr, africa.name_zh_hans) == ("Africa", "Afrique", "非洲")
    assert Region.objects.get(code="419").parent_id == "019"  # Latin America in the Americas
    assert not Region.objects.filter(name_ar="").exists()


def test_languages_currencies_and_official_languages() -> None:
    assert Language.objects.filter(is_un_official=True, code__in=["ar", "en", "zh"]).count() == 3
    assert Language.objects.get(code="fr").name_fr == "français"
    assert Language.objects.get(code="es").iso639_3 == "spa"
    assert Currency.objects.get(code="EUR").numeric == "978"
    assert Currency.objects.get(code="JPY").minor_unit == 0
    assert Currency.objects.get(code="IQD").minor_unit == 3  # ISO 4217, not CLDR's display 0
    assert set(State.objects.get(iso2="FR").languages.values_list("code", flat=True)) >= {"fr"}
    assert StateLanguage.objects.filter(state_id="CA", language_id="fr").exists()
    assert set(State.objects.get(iso2="MA").currencies.values_list("code", flat=True)) == {"MAD"}


def test_loading_twice_changes_nothing() -> None:
    reports = load_reference_data()
    for report in reports:
        assert (report.created, report.updated, report.deleted) == (0, 0, 0), report


def test_a_changed_file_row_is_updated_and_reported(tmp_path: Path) -> None:
    IccsCategory.objects.filter(code="0101").update(title_en="Tampered")
    reports = {report.model: report for report in load_reference_data()}
    assert reports["IccsCategory"].updated == 1
    assert IccsCategory.objects.get(code="0101").title_en == "Intentional homicide"


def test_every_data_file_has_its_source_recorded() -> None:
    sources = "".join(path.read_text(encoding="utf-8") for path in DATA_DIR.glob("SOURCES*.md"))
    for path in DATA_DIR.rglob("*.csv"):
        assert path.name in sources, f"{path.name} is not described in SOURCES.md"
