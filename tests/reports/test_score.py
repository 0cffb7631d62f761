"""Decision 766/QĐ-TTg score: full points at target, else rate × points / target."""

from reports.selectors import SCORE_GROUPS, SCORE_INDICATORS, indicator_points, score_766


def test_indicator_earns_full_points_at_target_and_a_proportion_below():
    assert indicator_points(60.0, 12, 50) == 12
    assert indicator_points(50.0, 12, 50) == 12
    assert indicator_points(25.0, 12, 50) == 6
    assert indicator_points(None, 12, 50) is None


def test_score_adds_the_indicators_that_have_data():
    figures = {"on_time_rate": 90.0, "online_rate": 25.0, "online_payment_rate": None, "satisfaction_rate": 100.0,
               "digitization_rate": 50.0, "reuse_rate": 100.0}
    score = score_766(figures)
    assert score["total"] == round(18 + 6 + 18 + 5.5 + 11, 1)
    assert score["max_points"] == 20 + 12 + 18 + 22


def test_mapped_indicators_never_exceed_their_group_points():
    for group, (_name, points) in SCORE_GROUPS.items():
        assert sum(i.points for i in SCORE_INDICATORS if i.group == group) <= points
    assert sum(points for _name, points in SCORE_GROUPS.values()) == 100
