from django.urls import path

from xuncha.notify import views

urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:pk>/read", views.inbox_read, name="inbox-read"),
    path("inbox/read-all", views.inbox_read_all, name="inbox-read-all"),
    path("inbox/preferences", views.preferences, name="inbox-preferences"),
    path("supervisions/", views.supervision_list, name="supervisions"),
    path("supervisions/settings", views.ladder_settings, name="ladder-settings"),
    path("supervisions/<int:pk>/", views.supervision_detail, name="supervision"),
    path("supervisions/<int:pk>/answer", views.supervision_move, {"name": "answer"}, name="supervision-answer"),
    path("supervisions/<int:pk>/accept", views.supervision_move, {"name": "accept"}, name="supervision-accept"),
    path("supervisions/<int:pk>/return", views.supervision_move, {"name": "return"}, name="supervision-return"),
    path("supervisions/<int:pk>/letter.<str:fmt>", views.supervision_letter, name="supervision-letter"),
    path("interviews/", views.interview_list, name="interviews"),
    path("interviews/<int:pk>/", views.interview_detail, name="interview"),
]
