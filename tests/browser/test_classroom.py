"""A classroom in Chromium: the teacher starts a room, two students join by its link (one on a
phone-sized touch screen), the teacher changes the steps and sends the view, and both students'
pages follow (each waits at most 15 s; how fast is not asserted), keeping their own language."""
import re

import pytest

from browserkit import Tab, catalog

pytestmark = pytest.mark.browser

EN, JA = catalog("en"), catalog("ja")


def join(browser, server, link: str, name: str, lang: str, **context) -> Tab:
    t = Tab(browser.new_context(**context).new_page(), server)
    t.open(link.split(server, 1)[-1].replace("/?", "/?lang=" + lang + "&"))
    cat = JA if lang == "ja" else EN
    main = t.page.locator('[data-testid="stMain"]')
    box = main.get_by_label(cat["classroom.name"])
    box.fill(name)
    box.press("Enter")
    t.settle()
    t.act(lambda: main.get_by_role("button", name=cat["classroom.join"]).click())
    return t


def test_students_follow_the_teachers_view(tab, browser, server):
    tab.open("/playground")
    page = tab.page
    page.get_by_text(EN["classroom.title"]).click()
    tab.act(lambda: page.get_by_role("button", name=EN["classroom.start"]).click())
    sidebar = page.locator('[data-testid="stSidebar"]')
    code = re.search(r"([A-Z0-9]{6})", sidebar.get_by_text("Room code").inner_text()).group(1)
    link = sidebar.locator('[data-testid="stCode"]').filter(has_text="?room=").first.inner_text().strip()
    assert link.endswith(f"?room={code}") and sidebar.locator("img").count() >= 1  # the QR code
    assert "teacher" not in page.url
    phone = join(browser, server, link, "Aiko", "ja", viewport={"width": 390, "height": 844}, has_touch=True,
                 is_mobile=True)
    desk = join(browser, server, link, "Ben", "en", viewport={"width": 1200, "height": 900})
    tab.set_number(EN["playground.steps"], 77)
    assert "2 students joined" in sidebar.inner_text()
    tab.act(lambda: page.get_by_role("button", name=EN["classroom.send"]).click())
    for student, lang in ((phone, "ja"), (desk, "en")):
        student.wait_until(lambda: "steps=77" in student.page.url, "the student's page follows", 15)
        student.settle()
        assert student.title() == (JA if lang == "ja" else EN)["playground.title"]  # their own language
        student.assert_healthy()
    phone.screenshot("classroom-phone", docs=False)
    tab.screenshot("classroom-teacher", docs=False)
    tab.assert_healthy()
    for student in (phone, desk):
        student.page.context.close()
