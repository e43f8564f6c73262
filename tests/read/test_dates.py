"""Date resolution against the publication date (pure logic, no model)."""

from datetime import date

import pytest

from storyline.read.dates import find_dates, infer_window

THURSDAY = date(2026, 3, 19)


def one(text: str, published: date | None = THURSDAY):
    refs, _ = find_dates(text, published)
    assert len(refs) == 1, refs
    return refs[0]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The council voted on Wednesday to close the pier.", date(2026, 3, 18)),  # the day before
        ("The council voted on Thursday to close the pier.", date(2026, 3, 19)),  # same weekday = that day
        ("The council voted on Friday to close the pier.", date(2026, 3, 13)),  # most recent Friday
        ("The council will vote on Friday.", date(2026, 3, 20)),  # looking ahead
        ("The vote is expected to take place on Monday.", date(2026, 3, 23)),
        ("The ferry sank yesterday.", date(2026, 3, 18)),
        ("The mayor spoke last Thursday.", date(2026, 3, 12)),
        ("The bridge reopened on March 18.", date(2026, 3, 18)),
        ("The bridge reopened on 2 March.", date(2026, 3, 2)),
        ("The port closed on December 30.", date(2025, 12, 30)),  # closest such date is last year
        ("The port closed on March 18, 2024.", date(2024, 3, 18)),
        ("The port closed on Feb. 5th, 2026.", date(2026, 2, 5)),
        ("Three days ago the dock flooded.", date(2026, 3, 16)),
        # a clock time's "a.m." does not end the clause that says the day lies ahead
        ("The ferry is due to sail at 5 a.m. on Monday.", date(2026, 3, 23)),
        ("The ferry strike, due to run until 9 p.m. on Monday, has begun.", date(2026, 3, 23)),
        ("The talks, set to resume on Monday, stalled.", date(2026, 3, 23)),
        # "due to" before a noun gives a cause, not a timetable
        ("The pier closed on Monday due to the storm.", date(2026, 3, 16)),
        # a quotation speaks in its own tense; a date inside one keeps it
        ("\u201cWe will not give in,\u201d the union told members on Monday.", date(2026, 3, 16)),
        ("\u201cWe will sail on Monday,\u201d the captain said.", date(2026, 3, 23)),
        # a past subordinate clause keeps its day past whatever the main clause says
        ("The ferry will have to sail soon after a storm kept it in port on Monday.", date(2026, 3, 16)),
        ("The mayor, who visited the pier on Monday, will return.", date(2026, 3, 16)),
        ("The talks will resume after the holiday on Monday.", date(2026, 3, 23)),
        # a full stop before a capital still ends a sentence, after a clock time too
        ("The crew will meet at 5 p.m. Officials said on Monday the ship had sailed.", date(2026, 3, 16)),
    ],
)
def test_day_resolution(sentence: str, expected: date) -> None:
    ref = one(sentence)
    assert ref.value == expected
    assert ref.granularity == "day"


def test_spans_resolve_to_their_first_day() -> None:
    assert one("Fishermen protested last week.").value == date(2026, 3, 9)
    assert one("Fishermen protested earlier this month.").value == date(2026, 3, 1)
    assert one("Fishermen protested earlier this month.").granularity == "month"
    assert one("Prices rose last year.").value == date(2025, 1, 1)
    assert one("The strike began in February 2022.").value == date(2022, 2, 1)


def test_offsets_and_text_are_verbatim() -> None:
    text = "The harbour master said on Wednesday that the quay was safe."
    ref = one(text)
    assert text[ref.start : ref.end] == ref.text == "on Wednesday"
    assert ref.relative and not ref.inferred


def test_undated_article_gets_an_inferred_window() -> None:
    text = "The storm hit on March 3, 2026. On Wednesday the ferries resumed."
    refs, window = find_dates(text, None)
    assert window == (date(2026, 3, 3), date(2026, 3, 10))
    wednesday = next(r for r in refs if "Wednesday" in r.text)
    # resolved against the window start, Tuesday 3 March: the Wednesday before it
    assert wednesday.text == "On Wednesday"
    assert wednesday.inferred and wednesday.value == date(2026, 2, 25)
    absolute = next(r for r in refs if "March 3" in r.text)
    assert not absolute.inferred


def test_no_dates_no_window() -> None:
    refs, window = find_dates("The ferries resumed on Wednesday.", None)
    assert refs == [] and window is None
    assert infer_window("Nothing dated here.") is None


def test_may_the_verb_is_not_a_month() -> None:
    refs, _ = find_dates("The mayor may resign. He may 5 times refuse.", THURSDAY)
    assert refs == []


def test_month_day_with_a_relative_year() -> None:
    refs, _ = find_dates("The loan was agreed on Oct. 3 last year and paid on 3 March this year.", date(2034, 2, 20))
    assert [(r.value, r.granularity) for r in refs] == [(date(2033, 10, 3), "day"), (date(2034, 3, 3), "day")]


def test_named_fixed_days_with_and_without_a_year() -> None:
    text = "Since the Boxing Day gales of 2029 the village has spent GBP 14m. The market reopens on New Year\u2019s Eve."
    refs, _ = find_dates(text, date(2033, 11, 20))
    assert [(r.text, r.value) for r in refs] == [
        ("Boxing Day gales of 2029", date(2029, 12, 26)),
        ("New Year\u2019s Eve", date(2033, 12, 31)),
    ]


def test_end_of_a_year_is_its_last_day() -> None:
    refs, _ = find_dates("The survey is due by the end of 2038, officials said.", date(2037, 4, 2))
    assert [(r.value, r.granularity) for r in refs] == [(date(2038, 12, 31), "day")]


def test_later_counts_from_the_day_just_given() -> None:
    from storyline.read.dates import find_dates

    text = "A paper first reported the loan on Jan. 13. The mayor ordered an audit six days later."
    refs, _ = find_dates(text, THURSDAY)
    assert [(r.text, r.value) for r in refs] == [("on Jan. 13", date(2026, 1, 13)), ("six days later", date(2026, 1, 19))]
    refs, _ = find_dates("The audit came six days later.", THURSDAY)
    assert refs == []  # no day to count from


def test_small_hours_of_an_overnight_report() -> None:
    from storyline.read.dates import find_dates

    refs, _ = find_dates("By 1am, the river had reached the square.", THURSDAY)
    assert [(r.text, r.value) for r in refs] == [("1am", THURSDAY)]
    refs, _ = find_dates("On Tuesday by 2am the river had reached the square.", THURSDAY)
    assert [r.value for r in refs] == [date(2026, 3, 17)]  # the weekday says the day


def test_a_future_tense_in_a_reported_clause_does_not_move_the_date_ahead() -> None:
    published = date(2035, 5, 8)

    def month(text: str) -> date:
        (found,), _ = find_dates(text, published)
        return found.value

    assert month("The firm announced in March that it would cut 320 jobs.") == date(2035, 3, 1)
    assert month("The firm will open the plant in March.") == date(2036, 3, 1)
    assert month("In March, the firm will open the plant.") == date(2036, 3, 1)
