"""A classroom in Chromium: the teacher starts a room, two students join by its link (one on a
phone-sized touch screen), the teacher changes the steps and sends the view, and both students'
pages follow (each waits at most 15 s; how fast is not asserted), keeping their own language."""
import os
import re
import shutil

import pytest

from browserkit import ARTIFACTS, ROOT, Tab, catalog

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


def test_the_room_predicts_where_adam_ends_and_the_reveal_draws_the_path(tab, browser, server):
    """The issue's flow: a teacher and three students (one a phone-sized touch screen), "where will
    Adam be after 30 steps?", each student taps a guess on the chart, the teacher's tally counts 3,
    the reveal draws the real path over the guesses."""
    tab.open("/playground?s=rosenbrock&x=-1.5&y=2.0&steps=30&runs=adam:lr%3D0.05")
    page = tab.page
    page.get_by_text(EN["classroom.title"]).click()
    tab.act(lambda: page.get_by_role("button", name=EN["classroom.start"]).click())
    sidebar = page.locator('[data-testid="stSidebar"]')
    link = sidebar.locator('[data-testid="stCode"]').filter(has_text="?room=").first.inner_text().strip()
    students = [join(browser, server, link, "Aiko", "ja", viewport={"width": 390, "height": 844}, has_touch=True,
                     is_mobile=True),
                join(browser, server, link, "Ben", "en", viewport={"width": 1200, "height": 900}),
                join(browser, server, link, "Chie", "en", viewport={"width": 1200, "height": 900})]
    tab.act(lambda: page.get_by_role("button", name=EN["classroom.ask"]).click())  # "where" is the default
    main = page.locator('[data-testid="stMain"]')
    tab.wait_until(lambda: "0 of 3 answered" in main.inner_text(), "the teacher's tally")
    for k, s in enumerate(students):
        cat = JA if k == 0 else EN
        s.page.bring_to_front()  # a page in the background polls its room rarely (Chromium's timer throttling)
        s.wait_until(lambda: cat["classroom.tap"] in s.page.inner_text("body"), "the question on the student's screen", 15)
        s.settle()
        chart = s.charts().first.locator(".nsewdrag").first
        chart.scroll_into_view_if_needed()
        area = chart.bounding_box()
        where = (area["x"] + (0.3 + 0.2 * k) * area["width"], area["y"] + 0.4 * area["height"])
        mine = (JA if k == 0 else EN)["classroom.your_point"].split("{")[0]
        if k == 0:  # touch: plotly shows the point at the first tap and takes it at the second
            # a phone's first tap may land before plotly has bound its touch handlers: as a person
            # would, tap again (twice more at most) until the guess is kept
            for attempt in range(3):
                s.page.touchscreen.tap(*where)
                s.act(lambda: s.page.touchscreen.tap(*where))
                try:
                    s.wait_until(lambda: mine in s.page.inner_text("body"), "the guess is kept",
                                 5 if attempt < 2 else 15)
                    break
                except AssertionError:
                    if attempt == 2:
                        raise
        else:
            s.act(lambda: s.page.mouse.click(*where))
            s.wait_until(lambda: mine in s.page.inner_text("body"), "the guess is kept")
        s.assert_healthy()
    page.bring_to_front()
    tab.wait_until(lambda: "3 of 3 answered" in main.inner_text(), "the tally counts three: " + str(re.findall(r"\d+ of \d+ answered", main.inner_text())), 15)
    tab.settle()
    dots = tab.chart_traces(0)
    assert any(t["n"] == 3 and t["mode"] == "markers" for t in dots)  # the guesses
    tab.act(lambda: page.get_by_role("button", name=EN["classroom.reveal"]).click())
    tab.wait_until(lambda: EN["classroom.closest"] in main.inner_text(), "who was closest")
    assert any(t["mode"] == "lines" and t["n"] == 31 for t in tab.chart_traces(0))  # the path
    for s in students:
        s.page.bring_to_front()
        s.wait_until(lambda: "Answer" in s.page.inner_text("body") or "答え" in s.page.inner_text("body"),
                     "the reveal on the student's screen", 15)
    tab.screenshot("classroom-reveal", docs=False)
    panel = main.locator(".st-key-room_question").first
    panel.screenshot(path=str(ARTIFACTS / "classroom-projector.png"))  # the README's picture of the reveal
    if os.environ.get("OPTVIZ_SCREENSHOTS"):
        shutil.copy(ARTIFACTS / "classroom-projector.png", ROOT / os.environ["OPTVIZ_SCREENSHOTS"])
    students[0].screenshot("classroom-phone-question", docs=False)
    tab.assert_healthy()
    for s in students:
        s.page.context.close()


def test_two_servers_sharing_redis_serve_one_room(browser, redis_url):
    """Behind a load balancer the teacher and the students reach different app processes: the room
    lives in Redis (OPTVIZ_ROOMS). The teacher starts it and asks on server A, two students join and
    answer on server B, A's tally counts both and the reveal reaches B."""
    import redis

    from browserkit import Server
    redis.Redis.from_url(redis_url).flushdb()
    a, b = Server("redis-a", env={"OPTVIZ_ROOMS": redis_url}), Server("redis-b", env={"OPTVIZ_ROOMS": redis_url})
    try:
        teacher = Tab(browser.new_context(viewport={"width": 1400, "height": 1000}).new_page(), a.url)
        teacher.open("/playground")
        page = teacher.page
        page.get_by_text(EN["classroom.title"]).click()
        teacher.act(lambda: page.get_by_role("button", name=EN["classroom.start"]).click())
        code = re.search(r"([A-Z0-9]{6})", page.locator('[data-testid="stSidebar"]').get_by_text("Room code")
                         .inner_text()).group(1)
        def choose():  # typed into the selectbox's search (the option list is long text)
            box = page.locator('[data-testid="stSidebar"]').get_by_role("combobox", name=EN["classroom.question"])
            box.click()
            page.keyboard.type("SGD with lr")
            page.keyboard.press("Enter")
        teacher.act(choose)
        students = [join(browser, b.url, f"{b.url}/?room={code}", n, "en", viewport={"width": 1200, "height": 900})
                    for n in ("Aiko", "Ben")]
        teacher.act(lambda: page.get_by_role("button", name=EN["classroom.ask"]).click())
        for k, s in enumerate(students):
            s.page.bring_to_front()
            option = EN["questions.regime_oscillates" if k == 0 else "questions.regime_diverges"]
            s.wait_until(lambda: s.page.get_by_role("button", name=option).count() > 0, "the question on server B", 15)
            s.act(lambda: s.page.get_by_role("button", name=option).click())
            s.wait_until(lambda: "Your answer" in s.page.inner_text("body"), "the answer is kept")
        page.bring_to_front()
        main = page.locator('[data-testid="stMain"]')
        teacher.wait_until(lambda: "2 of 2 answered" in main.inner_text(), "server A's tally counts server B's answers", 15)
        teacher.act(lambda: page.get_by_role("button", name=EN["classroom.reveal"]).click())
        students[0].page.bring_to_front()
        students[0].wait_until(lambda: EN["classroom.right"] in students[0].page.inner_text("body"),
                               "the reveal on server B", 15)
        for t in (teacher, *students):
            t.assert_healthy()
            t.page.context.close()
    finally:
        a.stop()
        b.stop()
