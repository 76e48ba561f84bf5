import pytest

from rogatory.lib.textfold import fold, terms


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Côte d'Ivoire", "cote d'ivoire"),
        ("BLANCHIMENT D’ARGENT", "blanchiment d’argent"),
        ("Extradición", "extradicion"),
        ("قَتْلٌ عَمْدٌ", "قتل عمد"),  # tashkil removed
        ("أحمد وإسلام", "احمد واسلام"),  # hamza forms of alif
        ("Ёж и йод", "еж и йод"),  # ё as е, й kept
        ("洗钱  罪", "洗钱 罪"),  # Chinese untouched, spaces collapsed
    ],
)
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_terms_are_folded_words() -> None:
    assert terms("  Trafic  de DROGUES ") == ["trafic", "de", "drogues"]
