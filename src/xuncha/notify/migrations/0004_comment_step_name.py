"""The public comments' ladder step is named "comment-overdue" (it was "reply-overdue", too close
to the 督办's own "answer-overdue", which the daily run counted as "reply_overdue")."""

from django.db import migrations


def forwards(apps, schema_editor):
    apps.get_model("notify", "CommentStep").objects.filter(step="reply-overdue").update(step="comment-overdue")


def backwards(apps, schema_editor):
    apps.get_model("notify", "CommentStep").objects.filter(step="comment-overdue").update(step="reply-overdue")


class Migration(migrations.Migration):

    dependencies = [
        ("notify", "0003_letter_files"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
