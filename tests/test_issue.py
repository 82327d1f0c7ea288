"""Issue keeps behaving as the plain frozen dataclass it was (its __init__ is written by hand, for
speed): fields, equality, hashing, ordering key, pickling, dataclasses.replace/asdict, and
Check.issue's fingerprints."""
import copy
import dataclasses
import pickle

import pytest

from termbase.aligned import SegmentPair
from termbase.qa.base import SOURCE, TARGET, Check, Issue, segment_fingerprint


@dataclasses.dataclass(frozen=True)
class ReferenceIssue:
    """Issue as the generated dataclass (the declaration before the hand-written __init__)."""

    check: str
    severity: str
    segment: int
    location: str
    side: str
    start: int
    end: int
    span: str
    message: str
    suggestion: str = ""
    rule: str = ""
    fingerprint: str = ""


ARGS = [
    (("typography", "warning", 3, "doc.txt:7", TARGET, 4, 9, ",Chon", "missing space"), {}),
    (("number-mismatch", "error", 0, "", SOURCE, 0, 2, "12", "the source number 12"),
     {"suggestion": "write 12", "rule": "number-mismatch", "fingerprint": "0123456789ab"}),
    (("untranslated", "info", 12, "u1", TARGET, 0, 0, "", "m", "s"), {"fingerprint": "f"}),
    ((), {"check": "c", "severity": "error", "segment": 1, "location": "l", "side": SOURCE,
          "start": 1, "end": 2, "span": "x", "message": "m", "rule": "r"}),
]


def both(args, kwargs):
    return Issue(*args, **kwargs), ReferenceIssue(*args, **kwargs)


def as_reference(issue: Issue) -> ReferenceIssue:
    return ReferenceIssue(**{f.name: getattr(issue, f.name) for f in dataclasses.fields(Issue)})


@pytest.mark.parametrize("args,kwargs", ARGS)
def test_issue_behaves_like_the_generated_dataclass(args, kwargs):
    issue, ref = both(args, kwargs)
    assert dataclasses.is_dataclass(issue) and Issue.__dataclass_params__.frozen
    assert [(f.name, f.default) for f in dataclasses.fields(Issue)] == \
        [(f.name, f.default) for f in dataclasses.fields(ReferenceIssue)]
    assert Issue.__match_args__ == ReferenceIssue.__match_args__
    assert dataclasses.asdict(issue) == dataclasses.asdict(ref)
    assert list(dataclasses.asdict(issue)) == list(dataclasses.asdict(ref))
    assert dataclasses.astuple(issue) == dataclasses.astuple(ref)
    assert vars(issue) == vars(ref) and list(vars(issue)) == list(vars(ref))
    assert repr(issue) == repr(ref).replace("ReferenceIssue(", "Issue(", 1)
    assert hash(issue) == hash(ref)
    assert issue == Issue(*args, **kwargs) and issue != ref  # a dataclass equals its own class only
    assert Issue.sort_key(issue) == (ref.segment, ref.side != SOURCE, ref.start, ref.check)
    for name in ("check", "span", "fingerprint"):
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(issue, name, "x")
        with pytest.raises(dataclasses.FrozenInstanceError):
            delattr(issue, name)
    with pytest.raises(dataclasses.FrozenInstanceError):
        issue.other = 1


@pytest.mark.parametrize("args,kwargs", ARGS)
@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_issue_pickles_and_copies(args, kwargs, protocol):
    issue, _ = both(args, kwargs)
    back = pickle.loads(pickle.dumps(issue, protocol))
    assert type(back) is Issue and back == issue and hash(back) == hash(issue)
    assert vars(back) == vars(issue)
    assert copy.copy(issue) == issue and copy.deepcopy(issue) == issue


class _DefaultPickler(pickle.Pickler):
    """Pickles issues as a plain dataclass is pickled (its class and state dict)."""

    def reducer_override(self, obj):
        return object.__reduce_ex__(obj, 4) if type(obj) is Issue else NotImplemented


@pytest.mark.parametrize("args,kwargs", ARGS)
def test_issue_pickled_as_a_plain_dataclass_still_loads(args, kwargs):
    import io

    issue, _ = both(args, kwargs)
    buf = io.BytesIO()
    _DefaultPickler(buf, 4).dump([issue, issue])
    back = pickle.loads(buf.getvalue())
    assert back == [issue, issue] and vars(back[0]) == vars(issue)
    one = io.BytesIO()
    _DefaultPickler(one, 4).dump(issue)
    assert len(pickle.dumps(issue, 4)) < len(one.getvalue())


def test_issue_subclass_pickles_its_own_fields():
    @dataclasses.dataclass(frozen=True, init=False)
    class Sub(Issue):
        pass

    sub = Sub(*ARGS[0][0])
    state = sub.__reduce_ex__(4)
    assert state[0] is not Issue  # the default: class and state
    assert copy.copy(sub) == sub and type(copy.copy(sub)) is Sub


@pytest.mark.parametrize("changes", [{"severity": "info"}, {"start": 5, "end": 6, "span": "y"},
                                     {"fingerprint": "abc", "rule": "z"}])
def test_issue_replace(changes):
    issue, ref = both(*ARGS[1])
    new = dataclasses.replace(issue, **changes)
    assert type(new) is Issue
    assert as_reference(new) == dataclasses.replace(ref, **changes)
    assert issue == Issue(*ARGS[1][0], **ARGS[1][1])  # the original is unchanged


def test_issue_arguments_are_checked_like_the_generated_init():
    with pytest.raises(TypeError):
        Issue("c", "error")  # missing fields
    with pytest.raises(TypeError):
        Issue(*ARGS[0][0], nonsense=1)
    with pytest.raises(TypeError):
        Issue(*ARGS[0][0], check="again")


class _Probe(Check):
    id = "probe"

    def run(self, pairs, ctx):
        return ()


def test_check_issue_fingerprints_follow_the_pair():
    """Issues of segments that alternate, or that are equal in index but not content, each get
    their own segment's fingerprint (Check.issue remembers the last segment's)."""
    a = SegmentPair(0, "重庆  市", "Chongqing\tCity", "f:1")
    b = SegmentPair(0, "重庆市", "Chongqing Municipality", "f:1")
    c = SegmentPair(1, "重庆  市", "Chongqing\tCity", "f:2")  # same text as a: same fingerprint
    probe = _Probe()
    for pair in (a, a, b, a, c, b, b, a):
        issue = probe.issue(pair, TARGET, 0, 3, "m")
        assert issue.fingerprint == segment_fingerprint(pair)
        assert as_reference(issue) == ReferenceIssue(
            "probe", "warning", pair.index, pair.location, TARGET, 0, 3, pair.target[:3], "m",
            "", "probe", segment_fingerprint(pair))
    assert segment_fingerprint(a) == segment_fingerprint(c) != segment_fingerprint(b)
    src = probe.issue(b, SOURCE, 1, 3, "m", "s", rule="r", severity="error")
    assert (src.span, src.rule, src.severity, src.suggestion) == ("庆市", "r", "error", "s")
