"""巡察安排 services: rounds, the unit tree, teams and inspections, with Chinese refusals."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from xuncha.ledger.errors import InvalidInput, PermissionDenied
from xuncha.ledger.models import AuditEvent, Inspection, Round, Staff, Unit
from xuncha.ledger.services import setup

pytestmark = pytest.mark.django_db

D = dt.date


def test_a_round_that_ends_before_it_starts_is_refused_by_the_service_and_the_model(cast):
    with pytest.raises(InvalidInput, match="结束日期不能早于开始日期"):
        setup.create_round(cast.actor("admin"), "第四轮", start=D(2025, 9, 1), end=D(2025, 8, 1))
    with pytest.raises(ValidationError) as caught:
        Round(name="第四轮", start=D(2025, 9, 1), end=D(2025, 8, 1)).full_clean()
    assert "结束日期不能早于开始日期" in str(caught.value.message_dict["end"])


def test_the_office_edits_a_round_and_the_change_is_audited(cast):
    admin = cast.actor("admin")
    round_ = setup.create_round(admin, "第四轮", level="区委", start=D(2025, 9, 1), end=D(2025, 10, 30))
    setup.update_round(admin, round_, "第四轮巡察", type="special", level="区委", start=D(2025, 9, 1),
                       end=D(2025, 11, 30), rectification_months=3)
    round_.refresh_from_db()
    assert (round_.name, round_.type, round_.rectification_months) == ("第四轮巡察", "special", 3)
    event = AuditEvent.objects.filter(action="round.update").get()
    assert event.before["name"] == "第四轮" and event.after["end"] == "2025-11-30"


def test_only_the_office_sets_up(cast):
    for name in ("editor", "team_member", "supervisor", "leader"):
        with pytest.raises(PermissionDenied, match="巡察安排"):
            setup.create_round(cast.actor(name), "第四轮")


def test_a_unit_moves_with_its_sub_tree_and_never_under_itself(cast):
    admin = cast.actor("admin")
    setup.update_unit(admin, cast.street, "天宝街道", "street", parent=cast.jianshe)
    tianbao = Unit.objects.get(pk=cast.tianbao.pk)
    assert tianbao.path == f"{cast.district.path}{cast.jianshe.pk}/{cast.street.pk}/{cast.tianbao.pk}/"
    with pytest.raises(InvalidInput, match="不能把天宝街道移到它自己或它的下级单位之下"):
        setup.update_unit(admin, Unit.objects.get(pk=cast.street.pk), "天宝街道", "street", parent=tianbao)
    with pytest.raises(InvalidInput, match="单位类型"):
        setup.update_unit(admin, tianbao, "天宝社区", "planet", parent=None)


def test_two_units_under_one_parent_never_share_a_name(cast):
    admin = cast.actor("admin")
    setup.create_unit(admin, "红星社区党委", parent=cast.district)
    with pytest.raises(InvalidInput, match="示范区委下已有名为红星社区党委的单位") as caught:
        setup.create_unit(admin, " 红星社区党委 ", parent=cast.district)
    assert caught.value.field == "name"
    assert Unit.objects.filter(name="红星社区党委").count() == 1
    with pytest.raises(InvalidInput, match="顶层已有名为示范区委的单位"):
        setup.create_unit(admin, "示范区委", kind="committee")
    # the same name under another parent is another unit
    setup.create_unit(admin, "红星社区党委", parent=cast.street)
    # renamed into a sibling's name, or moved beside a namesake: refused
    with pytest.raises(InvalidInput, match="示范区委下已有名为建设社区的单位"):
        setup.update_unit(admin, cast.tianbao, "建设社区", "community", parent=cast.district)
    with pytest.raises(InvalidInput, match="天宝街道党工委下已有名为天宝社区的单位"):
        setup.update_unit(admin, cast.jianshe, "天宝社区", "community", parent=cast.street)
    moved = Unit.objects.get(name="红星社区党委", parent=cast.street)
    with pytest.raises(InvalidInput, match="示范区委下已有名为红星社区党委的单位"):
        setup.update_unit(admin, moved, moved.name, moved.kind, parent=cast.district)
    # a unit keeps its own name when only its kind or short name changes
    assert setup.update_unit(admin, moved, moved.name, "street", parent=cast.street, short_name="红星").kind == "street"


def test_team_members_are_existing_team_member_accounts(cast):
    admin = cast.actor("admin")
    team = setup.create_team(admin, "区委第五巡察组")
    with pytest.raises(InvalidInput, match="已有名为区委第五巡察组的巡察组"):
        setup.create_team(admin, " 区委第五巡察组 ")
    member = Staff.objects.get(user=cast.users["team_member"])
    setup.assign_member(admin, team, member)
    assert Staff.objects.get(pk=member.pk).team_id == team.pk
    with pytest.raises(InvalidInput, match="只有巡察组成员可以编入巡察组"):
        setup.assign_member(admin, team, Staff.objects.get(user=cast.users["editor"]))
    setup.remove_member(admin, team, member)
    assert Staff.objects.get(pk=member.pk).team_id is None


@pytest.mark.parametrize("dates, message", [
    ({"start": D(2025, 7, 2), "end": D(2025, 7, 1)}, "结束日期不能早于进驻日期"),
    ({"end": D(2025, 8, 10), "feedback_date": D(2025, 8, 1)}, "反馈日期不能早于结束日期"),
    ({"feedback_date": D(2025, 9, 15), "rectification_end_date": D(2025, 9, 1)},
     "集中整改期截止日期不能早于反馈日期"),
])
def test_inspection_dates_must_follow_each_other(cast, dates, message):
    round_ = setup.create_round(cast.system, "第四轮")
    with pytest.raises(InvalidInput, match=message):
        setup.create_inspection(cast.actor("admin"), round_, cast.team4, cast.tianbao, **dates)
    assert not Inspection.objects.filter(round=round_).exists()


@pytest.mark.parametrize("dates, message, field", [
    ({"start": D(2025, 1, 1), "end": D(2025, 2, 1)},
     "进驻日期2025年1月1日早于轮次第四轮的开始日期（2026年3月1日至2026年5月31日）", "start"),
    ({"feedback_date": D(2026, 1, 1)}, "反馈日期2026年1月1日早于轮次第四轮的开始日期", "feedback_date"),
    ({"start": D(2026, 5, 1), "end": D(2026, 6, 10)}, "结束日期2026年6月10日晚于轮次第四轮的结束日期", "end"),
    ({"start": D(2026, 6, 1)}, "进驻日期2026年6月1日晚于轮次第四轮的结束日期", "start"),
    ({"end": D(2026, 2, 1)}, "结束日期2026年2月1日早于轮次第四轮的开始日期", "end"),
])
def test_an_inspection_lies_within_its_round(cast, dates, message, field):
    admin = cast.actor("admin")
    round_ = setup.create_round(admin, "第四轮", start=D(2026, 3, 1), end=D(2026, 5, 31))
    with pytest.raises(InvalidInput, match=message) as caught:
        setup.create_inspection(admin, round_, cast.team4, cast.tianbao, **dates)
    assert caught.value.field == field
    with pytest.raises(InvalidInput, match=message):
        setup.create_inspections_from_names(admin, round_, cast.team4, "建设社区", **dates)
    assert not Inspection.objects.filter(round=round_).exists()


def test_an_inspection_within_its_round_is_accepted_and_feedback_may_follow_the_round(cast):
    admin = cast.actor("admin")
    round_ = setup.create_round(admin, "第四轮", start=D(2026, 3, 1), end=D(2026, 5, 31))
    made = setup.create_inspection(admin, round_, cast.team4, cast.tianbao, start=D(2026, 3, 1),
                                   end=D(2026, 5, 31), feedback_date=D(2026, 7, 1))
    with pytest.raises(InvalidInput, match="进驻日期2026年2月1日早于轮次第四轮的开始日期"):
        setup.update_inspection(admin, made, cast.team4, cast.tianbao, start=D(2026, 2, 1), end=D(2026, 5, 1))
    open_ended = setup.create_round(admin, "第五轮")  # a round without dates bounds nothing
    setup.create_inspection(admin, open_ended, cast.team4, cast.tianbao, start=D(2020, 1, 1))


def test_one_inspection_per_unit_per_round(cast):
    with pytest.raises(InvalidInput, match="天宝社区在2025年区委第三轮巡察中已有巡察安排"):
        setup.create_inspection(cast.actor("admin"), cast.inspection.round, cast.team2, cast.tianbao)


def test_several_units_at_once_from_the_tree_and_pasted_names(cast):
    admin = cast.actor("admin")
    round_ = setup.create_round(admin, "第四轮", start=D(2025, 9, 1))
    made = setup.create_inspections_from_names(
        admin, round_, cast.team4, "天宝社区\n\n 建设社区 \n", units=[cast.street],
        start=D(2025, 9, 2), end=D(2025, 10, 10), feedback_date=D(2025, 11, 1))
    assert sorted(i.unit.name for i in made) == ["天宝社区", "天宝街道党工委", "建设社区"]
    assert all(i.rectification_end == D(2026, 1, 1) for i in made)
    assert AuditEvent.objects.filter(action="inspection.create", inspection_id__in=[i.pk for i in made]).count() == 3


def test_an_unknown_name_creates_nothing_and_is_listed_back(cast):
    admin = cast.actor("admin")
    round_ = setup.create_round(admin, "第四轮")
    with pytest.raises(InvalidInput) as caught:
        setup.create_inspections_from_names(admin, round_, cast.team4, "天宝社区\n幸福社区\n光明村",
                                            units=[cast.jianshe])
    assert "幸福社区、光明村" in caught.value.message
    assert not Inspection.objects.filter(round=round_).exists()


def test_a_taken_unit_in_a_batch_creates_nothing(cast):
    admin = cast.actor("admin")
    with pytest.raises(InvalidInput, match="天宝社区在"):
        setup.create_inspections(admin, cast.inspection.round, cast.team4, [cast.street, cast.tianbao])
    assert not Inspection.objects.filter(unit=cast.street).exists()


def test_an_inspection_is_edited_and_audited(cast):
    admin = cast.actor("admin")
    setup.update_inspection(admin, cast.inspection, cast.team2, cast.tianbao, start=D(2025, 7, 3),
                            end=D(2025, 8, 10), feedback_date=D(2025, 9, 20))
    inspection = Inspection.objects.get(pk=cast.inspection.pk)
    assert inspection.team_id == cast.team2.pk and inspection.rectification_end == D(2025, 11, 20)
    event = AuditEvent.objects.filter(action="inspection.update").get()
    assert event.before["team"] == cast.team4.pk and event.after["feedback_date"] == "2025-09-20"


def test_a_tree_deeper_than_the_path_holds_is_refused_with_a_message(cast):
    """The materialised path has 255 characters: past that depth a new or moved unit is refused by
    the service (a Chinese message on `parent`), never by a database error."""
    system = cast.system
    chain = [cast.district]
    with pytest.raises(InvalidInput) as refused:
        for level in range(200):
            chain.append(setup.create_unit(system, f"第{level}级支部", parent=chain[-1]))
    assert refused.value.field == "parent" and "层级过深" in refused.value.message
    assert all(len(u.path) <= 255 for u in Unit.objects.all())
    # Moving the district's deep branch under another unit would push its deepest path past the column.
    branch, deeper = chain[1], cast.jianshe
    for level in range(10):
        deeper = setup.create_unit(system, f"另一级{level}", parent=deeper)
    with pytest.raises(InvalidInput, match="层级过深"):
        setup.update_unit(system, branch, branch.name, branch.kind, deeper)
    # A rename in place is no move: allowed at any depth.
    leaf = chain[-1]
    assert setup.update_unit(system, leaf, "改名支部", leaf.kind, leaf.parent).name == "改名支部"


def test_the_admins_unit_form_refuses_a_siblings_name_too(cast):
    from django.core.exceptions import ValidationError

    from xuncha.ledger.models import Unit

    twin = Unit(name=cast.tianbao.name, parent=cast.tianbao.parent, kind="community")
    with pytest.raises(ValidationError, match="已有名为"):
        twin.full_clean()
    cast.tianbao.full_clean()  # a unit is not its own sibling
