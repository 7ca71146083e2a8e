from django.template import Context, Template
from django.urls import clear_script_prefix, reverse, set_script_prefix


def test_a_fixed_url_is_the_url_reverse_gives_under_each_script_prefix():
    template = Template('{% load fixed_urls %}{% fixed_url "learning:review" %}')
    try:
        for prefix in ("/", "/courses/", "/"):
            set_script_prefix(prefix)
            assert template.render(Context()) == reverse("learning:review")
            assert template.render(Context()).startswith(prefix)
    finally:
        clear_script_prefix()
