import pytest

from storyline.errors import PipelineError, StageError
from storyline.pipeline import Batch, Pipeline
from storyline.records import Article, Assignment


class Upper:
    name = "upper"
    requires = ("articles",)
    provides = ("articles",)

    def __init__(self):
        self.warmed = 0

    def warm_up(self):
        self.warmed += 1

    def run(self, batch):
        return batch.replace(articles=tuple(Article(id=a.id, text=a.text.upper()) for a in batch.articles))


class Assign:
    name = "assign"
    requires = ("embeddings",)
    provides = ("assignments",)

    def warm_up(self):
        pass

    def run(self, batch):
        return batch.replace(assignments={a.id: Assignment(a.id, "s1", 1.0, True, "x") for a in batch.articles})


class Boom(Upper):
    name = "boom"

    def run(self, batch):
        raise ValueError("bad input")


def test_runs_stages_in_order_and_returns_a_new_batch():
    stage = Upper()
    pipe = Pipeline([stage])
    batch = Batch(articles=(Article(id="a", text="abc"),))
    out = pipe.run(batch)
    out2 = pipe.run(batch)
    assert out.articles[0].text == "ABC" and batch.articles[0].text == "abc"
    assert out2 == out and stage.warmed == 1


def test_wiring_is_checked_before_data_flows():
    with pytest.raises(PipelineError, match="requires embeddings"):
        Pipeline([Upper(), Assign()])
    with pytest.raises(PipelineError, match="two stages"):
        Pipeline([Upper(), Upper()])
    with pytest.raises(PipelineError, match="not a Stage"):
        Pipeline([object()])


def test_stage_failure_names_the_stage():
    with pytest.raises(StageError, match=r"\[boom\] ValueError: bad input"):
        Pipeline([Boom()]).run(Batch(articles=()))
