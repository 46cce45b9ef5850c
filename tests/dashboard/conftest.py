"""A hand-built February 2026 of cases whose every KPI is worked out by hand.

The cases are filed and moved through the services at frozen moments, on the
2026 calendar (tests.complaints.clock): Saturday 02-14 is a make-up working
day, 02-15 to 02-23 are the Spring Festival days off, 02-28 is another
make-up Saturday. Office hours 08:30-12:00 and 13:30-17:30 (7.5 h a day).
The default normal rule applies to the three categories used (none of them
asks for photos): accept 4 h, dispose in 5 working days from dispatch,
verify in 8 h.

Units: ZD1 (unit A) covers 西苑社区 in 王府街道 and its team ZD1-1 滨湖社区;
ZD2 (unit B) covers 圣水社区 in 益都街道.

Each case: its unit, category and channel, what happens to it, and where it
ends.

- C0 (B, 09003, web): filed Jan 30 and accepted; registered (January).
- C1 (A, 08001, web): Fri 02-13 10:00, disposed of Tue 02-24 10:00 across the
  make-up Saturday and the holiday, on time; closed; satisfied.
- C2 (A, 08001, web): Mon 02-02, disposed of Tue 02-10 16:00, due Mon 02-09
  10:00: late; closed; basically satisfied.
- C3 (B, 08001, web): Tue 02-03, disposed of, reworked, disposed of, closed,
  rated dissatisfied (reopened), disposed of, closed, satisfied; closed.
- C4 (A, 08001, 12345): Mon 02-16 (a day off), accepted Tue 02-24 09:00,
  dispatched, extended by 3 days; being handled.
- C5 (B, 07002, web): Fri 02-06, not accepted; rejected.
- C6 (A, 07002, web): Mon 02-09 08:00, accepted 09:00, dispatched, cancelled.
- C7 (A, 07002, web): Tue 02-10, merged into C2; duplicate.
- C8 (A, 09003, patrol): Wed 02-25, disposed of by management; closed.
- C9 (B, 09003, web): Thu 02-26, disposed of by enforcement; disposed.
- C10 (A, 09003, web): Mon 03-02, accepted; registered (March).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from complaints.models import Category, Channel, Complaint, ExtensionRequest
from complaints.services import complaint_rate, extension_decide, extension_request
from tests.complaints.clock import at, frozen
from tests.complaints.factories import fresh, move, submit

RESULT = "已到现场处理完毕，恢复正常。"


@dataclass
class Month:
    cases: dict[str, Complaint]

    def __getitem__(self, name: str) -> Complaint:
        return fresh(self.cases[name])


def _file(tree, when, *, code: str, community, channel=Channel.WEB, by=None):
    with frozen(when):
        return submit(
            tree,
            code=code,
            community=community,
            channel=channel,
            **({"by": by} if by is not None else {}),
        )


def _dispose(case, who, when, method="service"):
    return move(case, "dispose", who, when, method=method, result=RESULT)


def _rate(case, satisfaction, when):
    with frozen(when):
        return complaint_rate(complaint=fresh(case), satisfaction=satisfaction)


@pytest.fixture
def february(db, tree, calendar_2026, users) -> Month:
    desk, boss = users["dispatcher"], users["supervisor"]
    lead_a, lead_b = users["squad_leader"], users["other_squad_leader"]
    a, b = tree.community_a, tree.community_b
    cases: dict[str, Complaint] = {}

    c0 = _file(tree, at(1, 30, 10, 0), code="09003", community=b)
    cases["C0"] = move(c0, "accept", desk, at(1, 30, 10, 30))

    c1 = _file(tree, at(2, 13, 10, 0), code="08001", community=a)
    c1 = move(c1, "accept", desk, at(2, 13, 11, 0))
    c1 = move(c1, "dispatch", desk, at(2, 13, 11, 30))
    c1 = move(c1, "sign", lead_a, at(2, 13, 14, 0))
    c1 = _dispose(c1, lead_a, at(2, 24, 10, 0))
    c1 = move(c1, "verify", desk, at(2, 24, 15, 0))
    cases["C1"] = _rate(c1, "satisfied", at(2, 24, 16, 0))

    c2 = _file(tree, at(2, 2, 9, 0), code="08001", community=a)
    c2 = move(c2, "accept", desk, at(2, 2, 9, 30))
    c2 = move(c2, "dispatch", desk, at(2, 2, 10, 0))
    c2 = move(c2, "sign", lead_a, at(2, 2, 11, 0))
    c2 = _dispose(c2, lead_a, at(2, 10, 16, 0))
    c2 = move(c2, "verify", desk, at(2, 11, 9, 0))
    cases["C2"] = _rate(c2, "basically", at(2, 11, 10, 0))

    c3 = _file(tree, at(2, 3, 10, 0), code="08001", community=b)
    c3 = move(c3, "accept", desk, at(2, 3, 14, 0))
    c3 = move(c3, "dispatch", desk, at(2, 3, 14, 30))
    c3 = move(c3, "sign", lead_b, at(2, 3, 15, 0))
    c3 = _dispose(c3, lead_b, at(2, 4, 9, 30), method="management")
    c3 = move(c3, "rework", desk, at(2, 4, 11, 0), opinion="整改不到位，请继续处理。")
    c3 = _dispose(c3, lead_b, at(2, 5, 10, 0), method="management")
    c3 = move(c3, "verify", desk, at(2, 5, 14, 0))
    c3 = _rate(c3, "dissatisfied", at(2, 5, 15, 0))  # reopened (重办)
    c3 = _dispose(c3, lead_b, at(2, 6, 9, 0), method="management")
    c3 = move(c3, "verify", desk, at(2, 6, 10, 0))
    cases["C3"] = _rate(c3, "satisfied", at(2, 6, 11, 0))

    c4 = _file(
        tree,
        at(2, 16, 10, 0),
        code="08001",
        community=a,
        channel=Channel.HOTLINE_12345,
        by=desk,
    )
    c4 = move(c4, "accept", desk, at(2, 24, 9, 0))
    c4 = move(c4, "dispatch", desk, at(2, 24, 9, 30))
    c4 = move(c4, "sign", lead_a, at(2, 24, 10, 0))
    with frozen(at(2, 24, 10, 30)):
        request = extension_request(
            complaint=c4,
            by=lead_a,
            reason="施工单位需协调夜间作业时间。",
            working_days=3,
        )
    with frozen(at(2, 24, 11, 0)):
        extension_decide(request=request, by=desk, approve=True)
    cases["C4"] = fresh(c4)
    assert ExtensionRequest.objects.get(pk=request.pk).status == "approved"

    c5 = _file(tree, at(2, 6, 10, 0), code="07002", community=b)
    cases["C5"] = move(c5, "reject", desk, at(2, 6, 11, 0), opinion="不属城管职责。")

    c6 = _file(tree, at(2, 9, 8, 0), code="07002", community=a)
    c6 = move(c6, "accept", desk, at(2, 9, 9, 0))
    c6 = move(c6, "dispatch", desk, at(2, 9, 9, 10))
    cases["C6"] = move(c6, "cancel", boss, at(2, 9, 10, 0), opinion="市民撤回诉求。")

    c7 = _file(tree, at(2, 10, 9, 0), code="07002", community=a)
    cases["C7"] = move(c7, "merge", desk, at(2, 10, 9, 30), duplicate_of=cases["C2"])

    c8 = _file(
        tree, at(2, 25, 10, 0), code="09003", community=a, channel=Channel.PATROL
    )
    c8 = move(c8, "accept", desk, at(2, 25, 10, 15))
    c8 = move(c8, "dispatch", desk, at(2, 25, 10, 20))
    c8 = move(c8, "sign", lead_a, at(2, 25, 10, 30))
    c8 = _dispose(c8, lead_a, at(2, 25, 11, 20), method="management")
    cases["C8"] = move(c8, "verify", desk, at(2, 26, 9, 0))

    c9 = _file(tree, at(2, 26, 9, 0), code="09003", community=b)
    c9 = move(c9, "accept", desk, at(2, 26, 9, 30))
    c9 = move(c9, "dispatch", desk, at(2, 26, 10, 0))
    c9 = move(c9, "sign", lead_b, at(2, 26, 10, 30))
    cases["C9"] = _dispose(c9, lead_b, at(2, 26, 11, 0), method="enforcement")

    c10 = _file(tree, at(3, 2, 9, 0), code="09003", community=a)
    cases["C10"] = move(c10, "accept", desk, at(3, 2, 9, 30))
    return Month(cases)


def categories() -> dict[str, Category]:
    return {
        c.code: c for c in Category.objects.filter(code__in=["08001", "07002", "09003"])
    }
