"""Each known fault of durable-rules 2.0.28, shown on the raw library, and shown not to
reach a user through assess's wrapper (assess/durable.py explains each remedy)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from assess import facts
from assess.engines import durable as wrapper
from assess.engines import flatten
from assess.errors import EngineError, FactsError, RulesetError
from assess.rubric import expr
from assess.ruleset import load_ruleset, load_text
from assess.scoring.ledger import score

from .conftest import fixture_ruleset

pytestmark = pytest.mark.skipif(wrapper.unavailable_reason() is not None,
                                reason=f"durable-rules cannot be imported: {wrapper.unavailable_reason()}")

RAW_PRELUDE = """
import os, sys
from durable import engine
class Host(engine.Host):
    def _run(self):
        pass
"""


def raw(script: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run a script against raw durable-rules in a child process (it may crash or hang)."""
    return subprocess.run([sys.executable, "-c", RAW_PRELUDE + textwrap.dedent(script)],
                          capture_output=True, text=True, timeout=timeout)


def ruleset_text(rules: str, categories: str = "  - {id: c, name: 类别, max: 100, capped: true}") -> str:
    return textwrap.dedent("""\
        id: probe
        title: 探测
        version: "1"
        applies_to: [township]
        total: 100
        grades: [{name: 合格, min: 60}, {name: 不合格, min: 0}]
        categories:
        """) + categories + "\nrules:\n" + textwrap.indent(textwrap.dedent(rules), "  ")


def unit(**sections: object) -> facts.UnitFacts:
    return facts.validate({"unit": {"id": "u", "name": "某乡", "type": "township"}, **sections})


def test_raw_nex_matches_the_state_object_and_fires_forever() -> None:
    result = raw("""
        fired = [0]
        def action(c):
            fired[0] += 1
            if fired[0] > 50:
                os._exit(3)
        host = Host({"rs": {"r": {"all": [{"m": {"$nex": {"z": 1}}}], "run": action}}})
        host.assert_fact("rs", {"sid": "1", "id": "u", "x": 5})
        print("fired", fired[0])
    """)
    assert result.returncode == 3


def test_missing_fact_condition_fires_once_through_the_wrapper() -> None:
    rs = load_text(ruleset_text("""
        - id: R1
          category: c
          pillar: 体制
          item: 提交值班材料
          points: 100
          when: missing(duty)
          deduct: {fixed: 5}
          reason: 未提交
          basis: 测试
    """), "probe.yaml")
    assert "$nex" in json.dumps(wrapper.Definition(rs.program).rules)  # anchored, not avoided
    result = score(rs, unit(), "durable")
    assert [d.points for d in result.deductions] == [5]
    # Without the anchor the session's state object (which has no duty) matches too.
    submitted = score(rs, unit(duty={"round_the_clock": True}), "durable")
    assert submitted.deductions == []


def test_raw_delete_state_without_an_action_segfaults() -> None:
    result = raw("""
        host = Host({"rs": {"r": {"all": [{"m": {"$lt": {"x": 1}}}], "run": lambda c: None}}})
        try:
            host.assert_fact("rs", {"sid": "1", "id": "u", "x": 5})
        except Exception as exc:
            print(type(exc).__name__)
        host.delete_state("rs", "1")
        print("survived")
    """)
    assert "MessageNotHandledException" in result.stdout
    assert result.returncode < 0  # killed by a signal (SIGSEGV)


def test_unit_matching_nothing_is_scored_and_its_session_deleted() -> None:
    rs = load_text(ruleset_text("""
        - id: R1
          category: c
          pillar: 体制
          item: 专职人员
          points: 100
          when: organization.staff < 1
          deduct: {fixed: 5}
          reason: 无专职人员
          basis: 测试
    """), "probe.yaml")
    for _ in range(3):
        assert score(rs, unit(organization={"staff": 3}), "durable").total == 100


@pytest.mark.parametrize("order", ["ab", "ba"])
def test_raw_iany_with_or_over_item_properties_answers_wrongly_whatever_the_key_order(order: str) -> None:
    result = raw(f"""
        import random
        hits = []
        class Action(engine.Promise):
            def run(self, c, complete):
                self._func(c)
                complete(None)
        condition = {{"$iany": {{"items": {{"$or": [{{"$gt": {{"$i.a": 5}}}}, {{"$lt": {{"$i.b": 0}}}}]}}}}}}
        host = Host({{"rs": {{
            "r": {{"all": [{{"m": {{"$and": [{{"a0": 1}}, condition]}}}}], "run": Action(lambda c: hits.append(1))}},
            "s": {{"all": [{{"m": {{"a0": 1}}}}], "run": Action(lambda c: None)}}}}}})
        rng = random.Random(1)
        wrong = 0
        for sid in range(1, 401):
            items = []
            for _ in range(rng.randint(1, 3)):
                a, b = rng.choice([0, 9]), rng.choice([-1, 1])
                items.append({{"a": a, "b": b}} if "{order}" == "ab" else {{"b": b, "a": a}})
            hits.clear()
            host.assert_fact("rs", {{"sid": str(sid), "id": "u", "a0": 1, "items": items}})
            host.delete_state("rs", str(sid))
            wrong += bool(hits) != any(i["a"] > 5 or i["b"] < 0 for i in items)
        print(wrong)
    """)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) > 40  # of 400 units, with every item's keys in one order


AGGREGATES = """
    - id: R1
      category: c
      pillar: 机制
      item: 演练
      points: 50
      when: any(drills, kind == "flood" or participants < 10)
      deduct: {fixed: 3}
      reason: 演练不足
      basis: 测试
    - id: R2
      category: c
      pillar: 机制
      item: 演练规模
      points: 50
      when: not all(drills, participants >= 30 or kind == "fire")
      deduct: {fixed: 2}
      reason: 演练规模不足
      basis: 测试
"""


def test_wrapper_sends_only_flat_conjunctions() -> None:
    rs = load_text(ruleset_text(AGGREGATES), "probe.yaml")
    text = json.dumps(wrapper.Definition(rs.program).rules)
    for operator in ("$iany", "$iall", "$or"):
        assert operator not in text


@pytest.mark.parametrize(("drills", "expected"), [
    ([{"kind": "fire", "participants": 50}], []),
    ([{"kind": "flood", "participants": 50}], ["R1"]),
    ([{"kind": "fire", "participants": 5}], ["R1"]),
    ([{"participants": 20}, {"kind": "fire", "participants": 40}], ["R2"]),
    ([{"participants": 40}, {"kind": "flood", "participants": 5}], ["R1", "R2"]),
])
def test_list_conditions_with_or_score_by_hand(drills: list[dict[str, object]], expected: list[str]) -> None:
    rs = load_text(ruleset_text(AGGREGATES), "probe.yaml")
    result = score(rs, unit(drills=drills), "durable")
    assert [d.rule for d in result.deductions] == expected


def test_raw_sixteen_or_groups_overflow_the_expression_limit() -> None:
    result = raw("""
        groups = [{"$or": [{"$gt": {f"x{i}": 0}}, {"$gt": {f"y{i}": 0}}]} for i in range(16)]
        try:
            Host({"rs": {"r": {"all": [{"m": {"$and": [{"a": 1}, *groups]}}], "run": lambda c: None}}})
        except Exception as exc:
            print(exc)
    """)
    assert "error code: 113" in result.stdout


def or_groups(count: int) -> str:
    return " and ".join(f"(organization.staff > {i} or count(drills) > {i})" for i in range(count))


def test_condition_of_five_or_groups_scores_and_sixteen_are_refused_naming_the_rule() -> None:
    rs = load_text(ruleset_text(f"""
        - id: R1
          category: c
          pillar: 机制
          item: 组合
          points: 100
          when: {or_groups(5)}
          deduct: {{fixed: 1}}
          reason: 扣分
          basis: 测试
    """), "probe.yaml")
    assert [d.rule for d in score(rs, unit(organization={"staff": 9}, drills=[]), "durable").deductions] == ["R1"]
    assert score(rs, unit(organization={"staff": 3}, drills=[]), "durable").deductions == []
    with pytest.raises(RulesetError, match="split the rule") as caught:
        load_text(ruleset_text(f"""
            - id: R1
              category: c
              pillar: 机制
              item: 组合
              points: 100
              when: {or_groups(16)}
              deduct: {{fixed: 1}}
              reason: 扣分
              basis: 测试
        """), "probe.yaml")
    assert "R1" in str(caught.value) or "rules[0]" in str(caught.value)


def test_raw_or_fires_the_action_once_per_true_branch() -> None:
    result = raw("""
        hits = []
        host = Host({"rs": {"r": {"all": [{"m": {"$and": [{"a": 1}, {"$or": [
            {"$gt": {"x": 0}}, {"$gt": {"y": 0}}]}]}}], "run": lambda c: hits.append(1)}}})
        host.assert_fact("rs", {"sid": "1", "id": "u", "a": 1, "x": 1, "y": 1})
        print(len(hits))
    """)
    assert result.stdout.strip() == "2"


def test_or_condition_deducts_once() -> None:
    rs = load_text(ruleset_text("""
        - id: R1
          category: c
          pillar: 体制
          item: 应急办和专职人员
          points: 100
          when: not organization.office or organization.staff < 2
          deduct: {fixed: 5}
          reason: 未设应急办或人员不足
          basis: 测试
    """), "probe.yaml")
    result = score(rs, unit(organization={"office": False, "staff": 0}), "durable")
    assert [(d.rule, d.points) for d in result.deductions] == [("R1", 5)]


def test_raw_live_sessions_run_out_at_1024() -> None:
    result = raw("""
        host = Host({"rs": {"r": {"all": [{"m": {"$lt": {"x": 10}}}], "run": lambda c: None}}})
        for i in range(1100):
            try:
                host.assert_fact("rs", {"sid": str(i), "id": "u", "x": 5})
            except MemoryError:
                print("MemoryError at", i)
                break
    """)
    assert "MemoryError at 1024" in result.stdout


def test_sessions_are_deleted_so_thousands_of_units_score(forms: object) -> None:
    rs = load_ruleset(fixture_ruleset("forms"))
    engine = rs.engine("durable")
    env = {"unit.id": "u", "organization.staff": 1, "organization": True}
    first = engine.run(env)
    for _ in range(2000):
        assert engine.run(env) == first


def test_raw_more_than_64_matching_rules_under_one_node_fail() -> None:
    result = raw("""
        rules = {"rs": {f"r{i}": {"all": [{"m": {"$and": [{"a": 1}, {"$gt": {"x": i}}]}}],
                                  "run": lambda c: None} for i in range(65)}}
        host = Host(rules)
        try:
            host.assert_fact("rs", {"sid": "1", "id": "u", "a": 1, "x": 1000})
        except Exception as exc:
            print(exc)
    """)
    assert "error code: 303" in result.stdout


def many_rules(count: int, condition: str) -> str:
    """``count`` one-point rules whose conditions differ by ``{i}``."""
    return "".join(f"""
        - id: R{i}
          category: c
          pillar: 机制
          item: 第{i}项
          points: 1
          when: {condition.format(i=i)}
          deduct: {{fixed: 1}}
          reason: 扣分
          basis: 测试
    """ for i in range(count))


def test_hundreds_of_matching_rules_are_spread_over_anchors() -> None:
    rs = load_text(ruleset_text(many_rules(200, "organization.staff < {i} + 100")), "probe.yaml")
    result = score(rs, unit(organization={"staff": 1}), "durable")
    assert len(result.deductions) == 200
    assert result.total == 0


def test_raw_fact_with_more_than_255_properties_fails() -> None:
    result = raw("""
        host = Host({"rs": {"r": {"all": [{"m": {"$gt": {"k0": 0}}}], "run": lambda c: None}}})
        fact = {f"k{i}": 1 for i in range(260)}
        try:
            host.assert_fact("rs", dict(fact, sid="1", id="u"))
        except Exception as exc:
            print(exc)
    """)
    assert "error code: 302" in result.stdout


def test_ruleset_reading_too_many_values_is_refused_at_load() -> None:
    with pytest.raises(RulesetError, match="durable-rules takes at most"):
        load_text(ruleset_text(many_rules(260, "count(drills, participants > {i}) < 1")), "probe.yaml")


def test_raw_number_in_exponent_notation_is_refused() -> None:
    result = raw("""
        import durable_rules_engine as ext
        host = Host({"rs": {"r": {"all": [{"m": {"$lt": {"x": 1}}}], "run": lambda c: None}}})
        handle = host._ruleset_list[0]._handle
        for sid, text in enumerate(["0.0000003", "3e-07"], 1):
            try:
                print(ext.assert_fact(handle, '{"sid": "%d", "id": "u", "x": %s}' % (sid, text))[0])
            except Exception as exc:
                print(exc)
    """)
    assert result.stdout.splitlines() == ["0", "Could not assert fact, error code: 204"]


RECTIFIED_BELOW_HALF = """
        - id: R1
          category: c
          pillar: 机制
          item: 隐患整改
          points: 100
          when: pct(hazards.rectified, hazards.found) < 50
          deduct: {fixed: 5}
          reason: 整改率低
          basis: 测试
"""


def test_no_float_reaches_durable_even_for_a_tiny_percentage() -> None:
    rs = load_text(ruleset_text(RECTIFIED_BELOW_HALF), "probe.yaml")
    engine = rs.engine("durable")
    assert isinstance(engine, wrapper.DurableEngine)
    env = flatten(unit(hazards={"found": 1_000_000_000, "rectified": 3}))  # 3e-07 %
    sent = engine._definition.fact(env, "1")
    assert not [v for v in sent.values() if isinstance(v, float)], sent


def test_tiny_percentage_is_scored_by_durable() -> None:
    rs = load_text(ruleset_text(RECTIFIED_BELOW_HALF), "probe.yaml")
    result = score(rs, unit(hazards={"found": 1_000_000_000, "rectified": 3}), "durable")  # 3e-07 %
    assert [d.rule for d in result.deductions] == ["R1"]


def test_raw_comparisons_mix_types() -> None:
    result = raw("""
        hits = []
        host = Host({"rs": {"r": {"all": [{"m": {"$eq": {"flag": True}}}], "run": lambda c: hits.append(1)}}})
        host.assert_fact("rs", {"sid": "1", "id": "u", "flag": 1})
        print(len(hits))
    """)
    assert result.stdout.strip() == "1"  # true == 1


def test_types_are_checked_before_durable_sees_them() -> None:
    with pytest.raises(expr.ExprError, match="cannot compare"):
        expr.parse("organization.leadership_group == 1", "bool")
    with pytest.raises(FactsError, match="valid integer"):
        facts.validate({"unit": {"id": "u", "name": "某乡", "type": "township"},
                        "organization": {"staff": "3"}})


def test_raw_exception_in_an_action_is_swallowed() -> None:
    result = raw("""
        def action(c):
            raise KeyboardInterrupt
        host = Host({"rs": {"r": {"all": [{"m": {"$gt": {"x": 0}}}], "run": action}}})
        state = host.assert_fact("rs", {"sid": "1", "id": "u", "x": 1})
        print("exception" in state)
    """)
    assert result.returncode == 0
    assert result.stdout.strip() == "True"


def test_interrupt_while_taking_actions_reaches_the_caller_and_frees_the_session() -> None:
    rs = load_ruleset(fixture_ruleset("forms"))
    engine = rs.engine("durable")
    assert isinstance(engine, wrapper.DurableEngine)
    env = {"organization": True, "organization.staff": 0}
    expected = engine.run(env)

    class Interrupting(dict[str, str]):
        def get(self, key: str, default: object = None) -> str:  # type: ignore[override]
            raise KeyboardInterrupt

    checks, engine._check_of = engine._check_of, Interrupting()
    with pytest.raises(KeyboardInterrupt):
        engine.run(env)
    engine._check_of = checks
    for _ in range(1100):  # more than durable-rules' 1,024 live sessions: none was left behind
        assert engine.run(env) == expected


def test_raw_default_host_starts_timer_threads() -> None:
    result = raw("""
        import threading
        before = threading.active_count()
        engine.Host()
        print(threading.active_count() - before)
    """)
    assert int(result.stdout.strip()) == 2


def test_engines_start_no_threads_and_coexist() -> None:
    before = threading.active_count()
    first = load_ruleset(fixture_ruleset("forms"))
    second = load_ruleset(fixture_ruleset("forms"))  # same ruleset name, its own host
    unit_facts = unit(organization={"staff": 1})
    assert score(first, unit_facts, "durable") == score(second, unit_facts, "durable")
    assert threading.active_count() == before
    first.close()
    second.close()


def test_closed_engine_frees_its_ruleset_and_refuses_work() -> None:
    rs = load_ruleset(fixture_ruleset("forms"))
    engine = rs.engine("durable")
    assert isinstance(engine, wrapper.DurableEngine)
    engine.close()
    assert not engine._finalizer.alive
    with pytest.raises(EngineError, match="closed"):
        engine.run({})
    rs.close()
    with pytest.raises(EngineError, match="closed"):
        rs.engine("durable")


def test_error_codes_are_translated() -> None:
    assert "too many rules match under one node" in wrapper.translate(
        Exception("Could not assert fact, error code: 303"))
    assert "too many properties" in wrapper.translate(Exception("error code: 302"))


def test_raw_sessions_interleaved_call_by_call_do_not_disturb_each_other() -> None:
    # Why the engine lock is not about sessions: each C call holds the GIL, and two
    # units' calls interleaved one by one still get their own rules.
    result = raw("""
        import json
        import durable_rules_engine as ext
        host = Host({"rs": {"s": {"all": [{"m": {"a0": 1}}], "run": lambda c: None},
                            "rx": {"all": [{"m": {"$and": [{"a0": 1}, {"$gt": {"x": 0}}]}}], "run": lambda c: None},
                            "ry": {"all": [{"m": {"$and": [{"a0": 1}, {"$gt": {"y": 0}}]}}], "run": lambda c: None}}})
        handle = host._ruleset_list[0]._handle
        states = {sid: ext.assert_fact(handle, json.dumps({"sid": sid, "id": "u", "a0": 1, key: 1}))[1]
                  for sid, key in (("1", "x"), ("2", "y"))}
        fired = {sid: [] for sid in states}
        messages = {sid: ext.start_action_for_state(handle, state)[1] for sid, state in states.items()}
        while any(messages.values()):
            for sid, message in messages.items():
                if message:
                    fired[sid].append(message[2:message.index('"', 2)])
                    messages[sid] = ext.complete_and_start_action(handle, states[sid])
        print(json.dumps(fired, sort_keys=True))
    """)
    assert json.loads(result.stdout) == {"1": ["s", "rx"], "2": ["s", "ry"]}


def test_raw_freed_ruleset_is_used_after_free() -> None:
    result = raw("""
        import json
        import durable_rules_engine as ext
        host = Host({"rs": {"r": {"all": [{"m": {"x": 1}}], "run": lambda c: None}}})
        handle = host._ruleset_list[0]._handle
        ext.delete_ruleset(handle)
        try:
            ext.assert_fact(handle, json.dumps({"sid": "1", "id": "u", "x": 1}))
        except Exception as exc:
            print(exc)
    """)
    assert "error code: 111" in result.stdout


def test_close_waits_for_the_unit_in_progress() -> None:
    # In a child process: without the lock the C ruleset would be freed under the unit.
    result = subprocess.run([sys.executable, "-c", textwrap.dedent("""
        import threading
        from assess.ruleset import load_ruleset
        from tests.conftest import fixture_ruleset
        engine = load_ruleset(fixture_ruleset("forms")).engine("durable")
        env = {"organization": True, "organization.staff": 0}
        expected = engine.run(env)
        inside, go = threading.Event(), threading.Event()

        class Pausing(dict):
            def get(self, key, default=None):
                inside.set()
                go.wait(5)
                return dict.get(self, key, default)

        engine._check_of = Pausing(engine._check_of)
        results = []
        worker = threading.Thread(target=lambda: results.append(engine.run(env)))
        worker.start()
        inside.wait(5)
        closer = threading.Thread(target=engine.close)
        closer.start()
        closer.join(0.5)
        print("close waited", closer.is_alive())
        go.set()
        worker.join()
        closer.join()
        print("unit scored", results == [expected])
    """)], capture_output=True, text=True, timeout=60, cwd=str(Path(__file__).parent.parent))
    assert result.stdout.split("\n")[:2] == ["close waited True", "unit scored True"], result.stderr


def test_raw_host_refuses_a_ruleset_name_twice() -> None:
    result = raw("""
        from durable.lang import get_host
        for attempt in (1, 2):
            try:
                get_host().register_rulesets({"rs": {"r": {"all": [{"m": {"x": 1}}], "run": lambda c: None}}})
                print("registered")
            except Exception as exc:
                print(exc)
        os._exit(0)  # the global host's timer threads never stop
    """)
    assert result.stdout.splitlines() == ["registered", "Ruleset with name rs already registered"]


LEAK = """
    def rss():
        return int(open("/proc/self/statm").read().split()[1]) * 4096 / 2**20
    before = rss()
    for _ in range(200):
        {make}
    print(round(rss() - before))
"""


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="needs /proc to read the memory in use")
def test_raw_ruleset_is_never_freed() -> None:
    rules = "{f'r{i}': {'all': [{'m': {'$and': [{'a0': 1}, {'$gt': {f'x{i}': i}}]}}]} for i in range(50)}"
    result = raw(LEAK.format(make=f"Host({{'rs': {{k: dict(v, run=lambda c: None) for k, v in {rules}.items()}}}})"))
    assert int(result.stdout) > 40  # MB, for 200 rulesets of 50 rules


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="needs /proc to read the memory in use")
def test_closed_engines_give_their_memory_back() -> None:
    rules = many_rules(100, "organization.staff > {i}")
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(f"""
        from assess.engines.durable import DurableEngine
        from assess.ruleset import load_text
        from tests.test_durable_faults import ruleset_text
        program = load_text(ruleset_text({rules!r}), "probe.yaml").program
    """) + textwrap.dedent(LEAK.format(make="DurableEngine(program).close()"))],
        capture_output=True, text=True, timeout=120, cwd=str(Path(__file__).parent.parent))
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) < 20  # MB; 200 rulesets kept would be over 40

def test_raw_event_is_consumed_by_the_first_matching_rule() -> None:
    result = raw("""
        hits = []
        host = Host({"rs": {
            "r1": {"all": [{"m": {"$gt": {"x": 0}}}], "run": lambda c: hits.append(1)},
            "r2": {"all": [{"m": {"$gt": {"x": 0}}}], "run": lambda c: hits.append(2)}}})
        host.post("rs", {"sid": "1", "id": "e", "x": 1})
        print(len(hits))
    """)
    assert result.stdout.strip() == "1"


def test_raw_same_fact_identity_twice_is_refused() -> None:
    result = raw("""
        host = Host({"rs": {"r": {"all": [{"m": {"$gt": {"x": 0}}}], "run": lambda c: None}}})
        host.assert_fact("rs", {"sid": "1", "id": "u", "x": 1})
        try:
            host.assert_fact("rs", {"sid": "1", "id": "u", "x": 2})
        except Exception as exc:
            print(type(exc).__name__)
    """)
    assert result.stdout.strip() == "MessageObservedException"


def test_units_with_reserved_or_repeated_ids_all_score_every_rule() -> None:
    rs = load_ruleset(fixture_ruleset("forms"))
    for unit_id in ("sid", "id", "sid", "$s"):
        unit_facts = facts.validate({"unit": {"id": unit_id, "name": "某乡", "type": "township"},
                                     "organization": {"leadership_group": False, "staff": 0}})
        result = score(rs, unit_facts, "durable")
        assert {"F-FIXED", "F-PER"} <= {d.rule for d in result.deductions}
        native = score(rs, unit_facts, "native")
        assert result.model_copy(update={"engine": "native", "engine_version": native.engine_version}) == native
