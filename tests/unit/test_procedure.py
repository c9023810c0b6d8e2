"""Motions: the precedence table, when a motion is in order, and the state machine as data."""

from __future__ import annotations

import itertools
from collections import deque

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tauride.domain.errors import NotFound
from tauride.domain.procedure import (
    MOTION_RULES,
    PENDING_STATES,
    TERMINAL,
    TRANSITIONS,
    BadTransition,
    MotionKind,
    MotionLapsed,
    MotionRef,
    MotionState,
    OutOfOrder,
    PendingMotion,
    check_in_order,
    lapse_dependents,
    transition,
    transitions,
)

K = MotionKind
S = MotionState


def rank(kind: MotionKind) -> int:
    return MOTION_RULES[kind].rank


# ---------------------------------------------------------------------------------------
# The table


def test_precedence_follows_roberts_rules_order() -> None:
    # Privileged > incidental > lay on the table > previous question > postpone > refer
    # > amend > main (RONR §5).
    order = [
        K.ADJOURN,
        K.SUSPEND_THE_RULES,
        K.LAY_ON_THE_TABLE,
        K.CLOSE_DEBATE,
        K.POSTPONE,
        K.REFER,
        K.AMENDMENT,
        K.MAIN,
    ]
    ranks = [rank(k) for k in order]
    assert ranks == sorted(ranks, reverse=True)
    assert len(set(ranks)) == len(ranks)
    assert rank(K.AMENDMENT) == rank(K.SUBSTITUTE)
    assert rank(K.AMENDMENT) < rank(K.AMENDMENT_TO_AMENDMENT) < rank(K.REFER)
    assert MOTION_RULES[K.POINT_OF_ORDER].always_in_order


def test_close_debate_and_suspending_the_rules_need_two_thirds() -> None:
    for kind, rule in MOTION_RULES.items():
        expected = (
            "two-thirds" if kind in (K.CLOSE_DEBATE, K.SUSPEND_THE_RULES) else "more-than-half"
        )
        assert rule.threshold == expected, kind


def test_table_is_complete_and_consistent() -> None:
    assert set(MOTION_RULES) == set(MotionKind)
    for kind, rule in MOTION_RULES.items():
        assert rule.kind is kind
        assert rule.source.startswith("RONR")
    # Whatever an amendment applies to is amendable; the second degree is not amendable.
    for target in MOTION_RULES[K.AMENDMENT].applies_to | MOTION_RULES[K.SUBSTITUTE].applies_to:
        assert MOTION_RULES[target].amendable
    assert not MOTION_RULES[K.AMENDMENT_TO_AMENDMENT].amendable
    assert not MOTION_RULES[K.POINT_OF_ORDER].needs_second
    assert all(MOTION_RULES[k].needs_second for k in MotionKind if k is not K.POINT_OF_ORDER)
    for kind in (K.CLOSE_DEBATE, K.ADJOURN, K.LAY_ON_THE_TABLE, K.SUSPEND_THE_RULES):
        assert not MOTION_RULES[kind].debatable
        assert not MOTION_RULES[kind].amendable


# ---------------------------------------------------------------------------------------
# In order or not


def stack(*kinds_and_targets: tuple[MotionKind, int | None]) -> list[PendingMotion]:
    return [MotionRef(i + 1, kind, target) for i, (kind, target) in enumerate(kinds_and_targets)]


def test_amendment_to_a_pending_main_motion_is_in_order() -> None:
    check_in_order(stack((K.MAIN, None)), K.AMENDMENT, 1)
    check_in_order(stack((K.MAIN, None)), K.SUBSTITUTE, 1)


def test_second_main_motion_while_one_is_pending_is_out_of_order() -> None:
    with pytest.raises(OutOfOrder, match="does not take precedence") as caught:
        check_in_order(stack((K.MAIN, None)), K.MAIN)
    assert caught.value.kind == "out-of-order"


def test_second_primary_amendment_while_one_is_pending_is_out_of_order() -> None:
    with pytest.raises(OutOfOrder):
        check_in_order(stack((K.MAIN, None), (K.AMENDMENT, 1)), K.AMENDMENT, 1)


def test_amendment_to_an_amendment_is_moved_as_the_second_degree() -> None:
    pending = stack((K.MAIN, None), (K.AMENDMENT, 1))
    check_in_order(pending, K.AMENDMENT_TO_AMENDMENT, 2)
    with pytest.raises(OutOfOrder, match="amendment-to-amendment"):
        check_in_order(pending, K.AMENDMENT, 2)


def test_amendment_of_the_third_degree_is_out_of_order() -> None:
    pending = stack((K.MAIN, None), (K.AMENDMENT, 1), (K.AMENDMENT_TO_AMENDMENT, 2))
    with pytest.raises(OutOfOrder, match="no third degree"):
        check_in_order(pending, K.AMENDMENT_TO_AMENDMENT, 3)


def test_amendment_of_an_unamendable_motion_is_out_of_order() -> None:
    pending = stack((K.MAIN, None), (K.CLOSE_DEBATE, 1))
    with pytest.raises(OutOfOrder, match="not amendable"):
        check_in_order(pending, K.AMENDMENT, 2)


def test_lower_ranking_motion_while_a_higher_one_is_pending_is_out_of_order() -> None:
    pending = stack((K.MAIN, None), (K.CLOSE_DEBATE, 1))
    with pytest.raises(OutOfOrder, match="close-debate"):
        check_in_order(pending, K.REFER, 1)
    check_in_order(pending, K.LAY_ON_THE_TABLE, 1)
    check_in_order(pending, K.ADJOURN)


def test_motion_applying_to_the_immediately_pending_one_is_in_order_despite_its_rank() -> None:
    pending = stack((K.MAIN, None), (K.REFER, 1))
    check_in_order(pending, K.AMENDMENT, 2)  # amend the motion to refer (which committee)
    with pytest.raises(OutOfOrder):
        check_in_order(pending, K.AMENDMENT, 1)  # the main motion is not immediately pending


def test_point_of_order_is_always_in_order_even_during_a_vote() -> None:
    voting = [MotionRef(1, K.MAIN, None, S.VOTING)]
    check_in_order(voting, K.POINT_OF_ORDER)
    with pytest.raises(OutOfOrder, match="being voted on"):
        check_in_order(voting, K.ADJOURN)


def test_motion_aimed_at_something_not_pending_is_out_of_order() -> None:
    with pytest.raises(OutOfOrder, match="not pending"):
        check_in_order(stack((K.MAIN, None)), K.AMENDMENT, 7)
    with pytest.raises(OutOfOrder, match="must name"):
        check_in_order(stack((K.MAIN, None)), K.REFER)
    with pytest.raises(OutOfOrder, match="not applied"):
        check_in_order([], K.ADJOURN, 1)


def test_amendment_to_a_lapsed_motion_is_refused_as_lapsed() -> None:
    settled = [MotionRef(1, K.MAIN, None, S.WITHDRAWN), MotionRef(2, K.AMENDMENT, 1, S.LAPSED)]
    with pytest.raises(MotionLapsed) as caught:
        check_in_order([], K.AMENDMENT_TO_AMENDMENT, 2, settled=settled)
    assert caught.value.kind == "motion-lapsed"


def test_reconsider_applies_to_a_decided_motion_when_nothing_is_pending() -> None:
    settled = [MotionRef(1, K.MAIN, None, S.LOST), MotionRef(2, K.MAIN, None, S.WITHDRAWN)]
    check_in_order([], K.RECONSIDER, 1, settled=settled)
    with pytest.raises(OutOfOrder, match="not been decided"):
        check_in_order([], K.RECONSIDER, 2, settled=settled)
    with pytest.raises(OutOfOrder, match="still pending"):
        check_in_order(stack((K.MAIN, None)), K.RECONSIDER, 1)


def test_close_debate_applies_only_to_a_debatable_question() -> None:
    pending = stack((K.MAIN, None), (K.LAY_ON_THE_TABLE, 1))
    with pytest.raises(OutOfOrder, match="does not apply"):
        check_in_order(pending, K.CLOSE_DEBATE, 2)


@st.composite
def attempts(draw: st.DrawFn) -> list[tuple[MotionKind, int | None]]:
    n = draw(st.integers(min_value=1, max_value=12))
    return [
        (draw(st.sampled_from(list(MotionKind))), draw(st.none() | st.integers(1, n)))
        for _ in range(n)
    ]


@settings(max_examples=250, deadline=None)
@given(attempts())
def test_every_accepted_motion_outranks_the_pending_or_applies_to_the_top(
    tries: list[tuple[MotionKind, int | None]],
) -> None:
    pending: list[PendingMotion] = []
    for number, (kind, target) in enumerate(tries, start=1):
        by_id = {m.id: m for m in pending}
        try:
            check_in_order(pending, kind, target)
        except OutOfOrder:
            accepted = False
        else:
            accepted = True
        rule = MOTION_RULES[kind]
        # Model: RONR's test for whether a motion is in order, read off the table.
        target_ok = (target is None and rule.target.value in ("none", "optional")) or (
            target in by_id
            and rule.target.value in ("pending", "optional")
            and by_id[target].kind in rule.applies_to
        )
        outranks = all(rule.rank > rank(m.kind) for m in pending)
        applies_to_top = (
            bool(pending) and target == pending[-1].id and rule.target.value == "pending"
        )
        expected = rule.always_in_order and (target is None or target in by_id)
        expected = expected or (target_ok and (outranks or applies_to_top))
        assert accepted == expected, (pending, kind, target)
        if accepted and kind is not K.POINT_OF_ORDER:
            pending.append(MotionRef(number, kind, target))
        # Amendments never go deeper than the second degree.
        depth = {m.id: 0 for m in pending}
        for m in pending:
            if m.kind in (K.AMENDMENT, K.SUBSTITUTE, K.AMENDMENT_TO_AMENDMENT):
                depth[m.id] = depth.get(m.target_id or 0, 0) + 1
        assert max(depth.values(), default=0) <= 2


# ---------------------------------------------------------------------------------------
# The state machine


# The path and its exits, written out by hand: the model the table must match.
SPEC: set[tuple[MotionState, MotionState]] = {
    (S.SUBMITTED, S.SECONDED), (S.SUBMITTED, S.ADMITTED), (S.SECONDED, S.ADMITTED),
    (S.ADMITTED, S.DEBATE), (S.ADMITTED, S.VOTING), (S.DEBATE, S.VOTING),
    (S.VOTING, S.CARRIED), (S.VOTING, S.LOST),
    (S.SUBMITTED, S.WITHDRAWN), (S.SECONDED, S.WITHDRAWN), (S.ADMITTED, S.WITHDRAWN),
    (S.DEBATE, S.WITHDRAWN), (S.POSTPONED, S.WITHDRAWN), (S.TABLED, S.WITHDRAWN),
    (S.SUBMITTED, S.LAPSED), (S.SECONDED, S.LAPSED), (S.ADMITTED, S.LAPSED),
    (S.DEBATE, S.LAPSED), (S.POSTPONED, S.LAPSED), (S.TABLED, S.LAPSED),
    (S.SUBMITTED, S.RULED_OUT), (S.SECONDED, S.RULED_OUT),
    (S.ADMITTED, S.REFERRED), (S.DEBATE, S.REFERRED),
    (S.ADMITTED, S.POSTPONED), (S.DEBATE, S.POSTPONED),
    (S.ADMITTED, S.TABLED), (S.DEBATE, S.TABLED),
    (S.POSTPONED, S.DEBATE), (S.POSTPONED, S.VOTING),
    (S.TABLED, S.DEBATE), (S.TABLED, S.VOTING),
}  # fmt: skip


def test_transition_table_is_the_specified_one() -> None:
    table = {(a, b) for a, nexts in TRANSITIONS.items() for b in nexts}
    assert table == SPEC
    assert set(TRANSITIONS) == set(MotionState)


def test_terminal_states_have_no_exits() -> None:
    assert {S.CARRIED, S.LOST, S.WITHDRAWN, S.REFERRED, S.LAPSED, S.RULED_OUT} == TERMINAL
    for state in TERMINAL:
        assert not TRANSITIONS[state]
        for target in MotionState:
            with pytest.raises(BadTransition):
                transition(state, target)


def reachable(
    table: dict[MotionState, frozenset[MotionState]],
) -> dict[MotionState, list[MotionState]]:
    """Breadth-first paths from SUBMITTED along the table."""
    paths = {S.SUBMITTED: [S.SUBMITTED]}
    queue = deque([S.SUBMITTED])
    while queue:
        state = queue.popleft()
        for nxt in sorted(table[state]):
            if nxt not in paths:
                paths[nxt] = [*paths[state], nxt]
                queue.append(nxt)
    return paths


@pytest.mark.parametrize("kind", list(MotionKind))
def test_each_kinds_machine_reaches_only_what_its_rules_allow(kind: MotionKind) -> None:
    rule = MOTION_RULES[kind]
    table = dict(transitions(kind))
    paths = reachable(table)
    assert S.CARRIED in paths
    assert S.LOST in paths
    assert (S.SECONDED in paths) == rule.needs_second
    assert (S.DEBATE in paths) == rule.debatable
    assert (S.POSTPONED in paths) == (kind in MOTION_RULES[K.POSTPONE].applies_to)
    assert (S.REFERRED in paths) == (kind in MOTION_RULES[K.REFER].applies_to)
    for path in paths.values():
        for a, b in itertools.pairwise(path):
            assert (a, b) in SPEC
            assert transition(a, b, kind) is b
    if rule.needs_second:
        with pytest.raises(BadTransition, match="submitted to admitted"):
            transition(S.SUBMITTED, S.ADMITTED, kind)


def test_every_state_is_reachable_from_submission() -> None:
    assert set(reachable(dict(TRANSITIONS))) == set(MotionState)


def model_allows(kind: MotionKind | None, a: MotionState, b: MotionState) -> bool:
    """The hand-written spec, narrowed by what the kind's rules say."""
    if (a, b) not in SPEC:
        return False
    if kind is None:
        return True
    rule = MOTION_RULES[kind]
    if rule.needs_second and (a, b) == (S.SUBMITTED, S.ADMITTED):
        return False  # the second comes first
    if not rule.needs_second and S.SECONDED in (a, b):
        return False
    if not rule.debatable and b is S.DEBATE:
        return False
    fates = {S.POSTPONED: K.POSTPONE, S.TABLED: K.LAY_ON_THE_TABLE, S.REFERRED: K.REFER}
    return b not in fates or kind in MOTION_RULES[fates[b]].applies_to


@settings(max_examples=300, deadline=None)
@given(
    st.none() | st.sampled_from(list(MotionKind)),
    st.lists(st.sampled_from(list(MotionState)), max_size=20),
)
def test_random_transitions_follow_the_model_and_nothing_else(
    kind: MotionKind | None, targets: list[MotionState]
) -> None:
    state = S.SUBMITTED
    for target in targets:
        if model_allows(kind, state, target):
            state = transition(state, target, kind)
            assert state is target
        else:
            with pytest.raises(BadTransition, match=f"from {state.value} to {target.value}"):
                transition(state, target, kind)
        if state in TERMINAL:
            assert not any(model_allows(kind, state, t) for t in MotionState)


def test_pending_states_are_the_ones_before_the_body() -> None:
    assert {S.ADMITTED, S.DEBATE, S.VOTING} == PENDING_STATES


# ---------------------------------------------------------------------------------------
# Lapsing


def test_amendment_lapses_when_main_motion_withdrawn() -> None:
    motions = [
        MotionRef(1, K.MAIN, None, S.WITHDRAWN),
        MotionRef(2, K.AMENDMENT, 1, S.DEBATE),
        MotionRef(3, K.AMENDMENT_TO_AMENDMENT, 2, S.ADMITTED),
        MotionRef(4, K.AMENDMENT, 1, S.LOST),  # already decided: keeps its fate
        MotionRef(5, K.REFER, 1, S.SUBMITTED),
        MotionRef(6, K.MAIN, None, S.SUBMITTED),  # another question: untouched
    ]
    assert lapse_dependents(motions, 1) == [2, 3, 5]


def test_amendment_to_amendment_lapses_when_its_amendment_is_lost() -> None:
    motions = [
        MotionRef(1, K.MAIN, None, S.DEBATE),
        MotionRef(2, K.AMENDMENT, 1, S.LOST),
        MotionRef(3, K.AMENDMENT_TO_AMENDMENT, 2, S.DEBATE),
    ]
    assert lapse_dependents(motions, 2) == [3]


def test_reconsideration_of_a_lost_motion_does_not_lapse_with_it() -> None:
    motions = [MotionRef(1, K.MAIN, None, S.LOST), MotionRef(2, K.RECONSIDER, 1, S.SUBMITTED)]
    assert lapse_dependents(motions, 1) == []


def test_lapsing_an_unknown_motion_is_refused() -> None:
    with pytest.raises(NotFound):
        lapse_dependents([], 1)


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_lapse_reaches_every_open_descendant_and_nothing_else(data: st.DataObject) -> None:
    n = data.draw(st.integers(min_value=1, max_value=15))
    motions = [
        MotionRef(
            i,
            data.draw(st.sampled_from([K.MAIN, K.AMENDMENT, K.REFER, K.AMENDMENT_TO_AMENDMENT])),
            data.draw(st.none() | st.integers(0, i - 1)) if i else None,
            data.draw(st.sampled_from(list(MotionState))),
        )
        for i in range(n)
    ]
    root = data.draw(st.integers(0, n - 1))

    def descends(m: MotionRef) -> bool:
        while m.target_id is not None:
            if m.target_id == root:
                return True
            m = motions[m.target_id]
        return False

    expected = [m.id for m in motions if descends(m) and m.state not in TERMINAL]
    assert lapse_dependents(motions, root) == expected
