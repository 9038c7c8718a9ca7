from django.urls import path

from xuncha.portal.views import staff

app_name = "portal-staff"

urlpatterns = [
    path("", staff.comment_list, name="comments"),
    path("<int:pk>/", staff.comment_detail, name="comment"),
    path("<int:pk>/publish", staff.comment_moderate, {"move": "publish"}, name="publish"),
    path("<int:pk>/merge", staff.comment_moderate, {"move": "merge"}, name="merge"),
    path("<int:pk>/decline", staff.comment_moderate, {"move": "decline"}, name="decline"),
    path("<int:pk>/reply", staff.comment_reply, name="reply"),
    path("<int:pk>/assign", staff.comment_assign, name="assign"),
    path("<int:pk>/contact", staff.comment_reveal, name="reveal"),
    path("settings/", staff.portal_settings, name="settings"),
    path("settings/holidays", staff.holiday_set, name="holiday"),
    path("settings/rounds/<int:pk>/live", staff.live_progress, name="live"),
]
