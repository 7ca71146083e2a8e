"""Everything we keep about a learner, as plain data for "Download my data"."""

from accounts.models import Learner
from progress.models import LessonProgress, ReviewCard
from quizzes.models import ChallengeRun, Response, TestAttempt


def learner_data(learner: Learner) -> dict:
    user = learner.user
    responses: dict[int, list] = {}
    for response in Response.objects.filter(slot__attempt__learner=learner).select_related(
        "slot__question"
    ):
        responses.setdefault(response.slot.attempt_id, []).append(
            {
                "position": response.slot.position + 1,
                "question": response.slot.question.key,
                "selected_options": response.selected_options,
                "typed_answer": response.typed_answer,
                "correct": response.is_correct,
                "answered_at": response.answered_at.isoformat(),
            }
        )
    return {
        "account": {
            "username": user.get_username() if user else None,
            "email": user.email if user else None,
            "date_joined": user.date_joined.isoformat() if user else None,
        },
        "progress": [
            {
                "lesson": p.lesson.slug,
                "modes_visited": p.modes_visited,
                "practice_solved": p.practice_solved,
                "tests_taken": p.tests_taken,
                "best_score": p.best_score,
                "latest_score": p.latest_score,
                "strength": p.strength,
                "pattern_master_at": p.pattern_master_at and p.pattern_master_at.isoformat(),
                "last_activity": p.last_activity.isoformat(),
            }
            for p in LessonProgress.objects.filter(learner=learner).select_related("lesson")
        ],
        "test_attempts": [
            {
                "lesson": a.lesson.slug,
                "status": a.status,
                "score": a.score,
                "questions": a.question_count,
                "strength": a.strength,
                "started_at": a.started_at.isoformat(),
                "finished_at": a.finished_at and a.finished_at.isoformat(),
                "responses": sorted(responses.get(a.pk, []), key=lambda r: r["position"]),
            }
            for a in TestAttempt.objects.filter(learner=learner).select_related("lesson")
        ],
        "challenge_runs": [
            {
                "lesson": run.lesson.slug,
                "status": run.status,
                "extended_time": run.extended,
                "started_at": run.started_at.isoformat(),
                "finished_at": run.finished_at and run.finished_at.isoformat(),
                "problems": [
                    {
                        "question": problem.question.key,
                        "attempts": problem.attempts,
                        "solved": problem.solved,
                        "timed_out": problem.timed_out,
                        "hint_used": problem.hint_used,
                    }
                    for problem in run.problems.all()
                ],
            }
            for run in ChallengeRun.objects.filter(learner=learner)
            .select_related("lesson")
            .prefetch_related("problems__question")
        ],
        "review_cards": [
            {
                "lesson": c.lesson.slug,
                "card": c.section.key if c.section else f"question:{c.question.key}",
                "due": c.due.isoformat(),
                "reviews": c.reps,
            }
            for c in ReviewCard.objects.filter(learner=learner).select_related(
                "lesson", "section", "question"
            )
        ],
    }
