import pytest
pytestmark = pytest.mark.browser

def test_scratch(page, lesson_url):
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(lesson_url)
    out = page.evaluate("""() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 321).slice(0, 40).map(e => e.tagName + '.' + e.className + ' #' + e.id + ' w=' + Math.round(e.getBoundingClientRect().width) + ' r=' + Math.round(e.getBoundingClientRect().right))""")
    print("\n".join(out))
