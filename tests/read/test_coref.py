"""Mention pair scoring and clustering (storyline.read.coref): hand-made mentions and vectors."""

import numpy as np
import pytest

from storyline.errors import ModelError
from storyline.read.coref import MentionInfo, MiniLMSpanEncoder, feature_names, pair_features, resolve_mentions


def mention(doc: str, start: int, kind: str, surface: str, rule: str, label: str = "PERSON", head: str = "") -> MentionInfo:
    return MentionInfo(doc=doc, sentence=start // 100, kind=kind, label=label, head=head or surface.split()[-1],
                       surface=surface, rule_cluster=rule, start=start)


# weights that trust the rule cluster and the context cosine only
WEIGHTS = {"bias": -4.0, "same_rule": 6.0, "name-name*cos": 5.0, "name-nominal*cos": 5.0, "nominal-nominal*cos": 5.0,
           "name-pronoun*cos": 6.0, "nominal-pronoun*cos": 6.0}


def unit(*rows: list[float]) -> np.ndarray:
    m = np.array(rows, dtype=np.float32)
    return m / np.linalg.norm(m, axis=1, keepdims=True)


def test_pair_features_shape_and_symmetry() -> None:
    ms = [mention("a", 0, "name", "dana whitlow", "r1"), mention("a", 120, "pronoun", "she", "r2"),
          mention("b", 10, "nominal", "the director", "r3")]
    f = pair_features(ms, unit([1, 0], [0, 1], [1, 1]))
    assert f.shape == (3, 3, len(feature_names()))
    assert np.allclose(f, f.transpose(1, 0, 2))
    names = feature_names()
    assert f[0, 1, names.index("same_doc")] == 1 and f[0, 2, names.index("same_doc")] == 0
    assert f[1, 0, names.index("nearest_antecedent")] == 1  # "she" -> the only earlier name of its document


def test_resolve_joins_by_rule_and_context_but_never_across_types() -> None:
    ms = [mention("a", 0, "name", "dana whitlow", "r1"), mention("b", 0, "name", "whitlow", "r1"),
          mention("b", 40, "nominal", "the director", "r2"),
          mention("a", 60, "name", "halden falls", "r3", label="GPE"),
          mention("b", 300, "nominal", "the harbour", "r4", label="GPE")]
    vecs = unit([1, 0, 0], [1, 0, 0], [1, 0.05, 0], [1, 0, 0], [0, 0, 1])
    out = resolve_mentions(ms, vecs, threshold=0.5, weights=WEIGHTS)
    assert out[0] == out[1] == out[2]  # same rule cluster; the director is close in context
    assert out[3] != out[0]  # a place never joins a person, however close the vectors
    assert out[4] != out[3]  # different rule cluster, far apart


def test_pronoun_attaches_to_its_best_antecedent_in_its_document_only() -> None:
    ms = [mention("a", 0, "name", "dana whitlow", "r1"), mention("a", 50, "name", "colm ashby", "r2"),
          mention("a", 80, "pronoun", "she", "r3"), mention("b", 10, "pronoun", "he", "r4")]
    vecs = unit([1, 0], [0, 1], [0.95, 0.1], [0, 1])
    out = resolve_mentions(ms, vecs, threshold=0.9, pronoun_threshold=0.5, weights=WEIGHTS)
    assert out[2] == out[0] and out[2] != out[1]
    assert out[3] not in {out[0], out[1], out[2]}  # no antecedent in its own document: alone


def test_resolve_clusters_given_probabilities_by_average_link() -> None:
    ms = [mention("a", 0, "nominal", "the ferry", "r1", label="PRODUCT"), mention("b", 0, "nominal", "the vessel", "r2", label="PRODUCT"),
          mention("c", 0, "nominal", "the boat", "r3", label="PRODUCT"), mention("c", 200, "nominal", "a dinghy", "r4", label="PRODUCT")]
    prob = np.array([[1.0, 0.9, 0.6, 0.1], [0.9, 1.0, 0.5, 0.2], [0.6, 0.5, 1.0, 0.3], [0.1, 0.2, 0.3, 1.0]])
    vecs = unit([1, 0], [0, 1], [1, 1], [1, -1])  # ignored: the probabilities are given
    out = resolve_mentions(ms, vecs, threshold=0.5, probabilities=prob)
    assert out[0] == out[1] == out[2]  # ferry+vessel at 0.9, then the boat at mean 0.55
    assert out[3] != out[0]
    strict = resolve_mentions(ms, vecs, threshold=0.7, probabilities=prob)
    assert strict[0] == strict[1] and strict[2] != strict[0]  # mean 0.55 is under 0.7


def test_missing_weights_is_a_model_error() -> None:
    ms = [mention("a", 0, "name", "dana whitlow", "r1"), mention("a", 10, "name", "whitlow", "r1")]
    with pytest.raises(ModelError):
        resolve_mentions(ms, unit([1, 0], [1, 0]), weights={})


@pytest.mark.models
def test_span_encoder_reads_the_span_in_its_context() -> None:
    enc = MiniLMSpanEncoder()
    text = "Dana Whitlow, the harbour director, resigned on Monday."
    v = enc.encode([text, text, "The harbour froze."], [(0, 12), (18, 34), (4, 11)])
    assert v.shape == (3, enc.dim)
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    assert not np.allclose(v[0], v[1])  # two spans of one sentence get different vectors
