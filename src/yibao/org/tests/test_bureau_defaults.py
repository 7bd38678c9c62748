import pytest
from django.core.exceptions import PermissionDenied

from yibao.core.models import AuditEvent
from yibao.org.constants import BureauLevel, Role
from yibao.org.models import Bureau, Post
from yibao.org.services import do_create_bureau, get_or_create_bureau, guess_level

FUND_POSTS = ["立案岗", "调查岗", "告知岗", "决定岗", "送达岗", "执行岗", "检查岗", "处置岗", "批准决定岗", "事后监管岗", "其他"]


def post_names(bureau, department):
    return list(Post.objects.filter(department__bureau=bureau, department__name=department).values_list("name", flat=True))


@pytest.mark.django_db
def test_county_bureau_gets_gu_sections_with_the_posts_of_its_post_system(county):
    assert sorted(county.departments.values_list("name", flat=True)) == ["基金监管股", "法制审核股"]
    assert post_names(county, "基金监管股") == FUND_POSTS
    # The legal section (法制机构) does the review, and carries out coercive measures.
    assert post_names(county, "法制审核股") == ["审查岗", "执行岗"]


@pytest.mark.django_db
def test_province_bureau_names_its_sections_chu():
    province = do_create_bureau("山西省医疗保障局", level=BureauLevel.PROVINCE, code="140000", actor=None)
    assert sorted(province.departments.values_list("name", flat=True)) == ["基金监管处", "法制审核处"]
    assert post_names(province, "法制审核处") == ["审查岗", "执行岗"]


@pytest.mark.django_db
def test_city_bureau_names_its_sections_ke():
    city = do_create_bureau("洛阳市医疗保障局", level=BureauLevel.CITY, actor=None)
    assert sorted(city.departments.values_list("name", flat=True)) == ["基金监管科", "法制审核科"]


@pytest.mark.django_db
def test_posts_carry_the_stage_their_name_implies(county):
    stages = dict(Post.objects.filter(department__bureau=county, department__name="基金监管股").values_list("name", "stage"))
    assert stages["立案岗"] == "file"
    assert stages["批准决定岗"] == "approve"
    assert stages["事后监管岗"] == "supervise"
    assert stages["其他"] == "other"
    assert Post.objects.get(department__bureau=county, name="审查岗").stage == "review"


@pytest.mark.django_db
def test_a_post_with_an_unknown_name_has_a_blank_stage(county):
    post = Post.objects.create(department=county.departments.first(), name="综合岗")
    assert post.stage == ""


@pytest.mark.django_db
def test_creating_a_bureau_is_audited(county):
    event = AuditEvent.objects.get(action="bureau.create", object_id=str(county.pk))
    assert event.data["level"] == "county"
    assert event.data["posts"] == 13


@pytest.mark.django_db
def test_only_administrators_create_bureaus(make_user, county):
    officer = make_user("o", Role.OFFICER, county)
    with pytest.raises(PermissionDenied):
        do_create_bureau("嵩县医疗保障局", level=BureauLevel.COUNTY, actor=officer)
    assert not Bureau.objects.filter(name="嵩县医疗保障局").exists()

    admin = make_user("a", Role.ADMIN, county)
    bureau = do_create_bureau("嵩县医疗保障局", level=BureauLevel.COUNTY, parent=county, actor=admin)
    assert AuditEvent.objects.get(action="bureau.create", object_id=str(bureau.pk)).actor == admin


@pytest.mark.django_db
def test_unknown_level_is_refused():
    with pytest.raises(ValueError):
        do_create_bureau("某医疗保障局", level="national", actor=None)


@pytest.mark.parametrize(
    "name, level",
    [
        ("山西省医疗保障局", "province"),
        ("新疆维吾尔自治区医疗保障局", "province"),
        ("北京市医疗保障局", "province"),
        ("洛阳市医疗保障局", "city"),
        ("河南省洛阳市医疗保障局", "city"),
        ("延边朝鲜族自治州医疗保障局", "city"),
        ("栾川县医疗保障局", "county"),
        ("河南省洛阳市栾川县医疗保障局", "county"),
        ("洛阳市西工区医疗保障局", "county"),
        ("鄂托克旗医疗保障局", "county"),
        ("某某医疗保障局", "county"),
    ],
)
def test_level_is_guessed_from_the_name(name, level):
    assert guess_level(name) == level


@pytest.mark.django_db
def test_get_or_create_bureau_returns_the_existing_bureau(county):
    assert get_or_create_bureau("栾川县医疗保障局") == county
    assert Bureau.objects.count() == 1


@pytest.mark.django_db
def test_get_or_create_bureau_creates_a_missing_one_with_defaults():
    bureau = get_or_create_bureau("山西省医疗保障局")
    assert bureau.level == "province"
    assert bureau.departments.filter(name="基金监管处").exists()


@pytest.mark.django_db
def test_an_importer_creates_a_missing_bureau_on_behalf_of_its_actor(make_user, county):
    importer = make_user("importer", Role.OFFICER, county)
    bureau = get_or_create_bureau("嵩县医疗保障局", actor=importer)
    assert AuditEvent.objects.get(action="bureau.create", object_id=str(bureau.pk)).actor == importer
