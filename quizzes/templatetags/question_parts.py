"""`{{ question|part:"meta" }}`: a part of a question's card rendered once per question
(quizzes.question_cache.question_part), so a card's template renders only what is its own."""

from django import template

from quizzes.question_cache import question_part

register = template.Library()


@register.filter
def part(question, name: str):
    return question_part(question, name)
