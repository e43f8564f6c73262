"""The coreference metrics on the worked example of Pradhan et al. (2014), figure 1.

Key: {a,b,c} {d,e,f,g}; response: {a,b} {c,d} {f,g,h,i}. Hand-computed:
MUC R = P = 2/5; B3 R = (4/3 + 1/3 + 1/4 + 4/4) / 7, P = (4/2 + 1/2 + 1/2 + 4/4) / 8 (8 response mentions);
CEAF-e: phi4({a,b,c},{a,b}) = 4/5, phi4({d,e,f,g},{f,g,h,i}) = 4/8, so R = 1.3/2, P = 1.3/3.
"""

import pytest

from bench.coref_metrics import b_cubed, ceaf_e, conll, muc

KEY = [{"a", "b", "c"}, {"d", "e", "f", "g"}]
RESPONSE = [{"a", "b"}, {"c", "d"}, {"f", "g", "h", "i"}]


def test_muc() -> None:
    prf = muc(KEY, RESPONSE)
    assert prf.recall == pytest.approx(2 / 5) and prf.precision == pytest.approx(2 / 5)


def test_b_cubed() -> None:
    prf = b_cubed(KEY, RESPONSE)
    assert prf.recall == pytest.approx((4 / 3 + 1 / 3 + 1 / 4 + 1) / 7)
    assert prf.precision == pytest.approx((2 + 0.5 + 0.5 + 1) / 8)


def test_ceaf_e() -> None:
    prf = ceaf_e(KEY, RESPONSE)
    assert prf.recall == pytest.approx(0.65) and prf.precision == pytest.approx(1.3 / 3)


def test_perfect_and_all_singletons() -> None:
    perfect = conll(KEY, KEY)
    assert perfect["conll_f1"] == pytest.approx(1.0)
    singletons = [{m} for k in KEY for m in k]
    scores = conll(KEY, singletons)
    assert scores["muc_f1"] == 0.0 and scores["b3_p"] == pytest.approx(1.0)
    assert scores["conll_f1"] < 0.6
