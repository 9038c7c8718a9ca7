from django.urls import path

from xuncha.analytics import views

urlpatterns = [
    path("analytics/", views.overview, name="analytics"),
    path("analytics/export.xlsx", views.export_xlsx, name="analytics-export"),
    path("analytics/common/", views.common_issues, name="common-issues"),
    path("analytics/common/run", views.cluster_start, name="cluster-start"),
    path("analytics/common/push", views.common_issue_push, name="common-issue-push"),
    path("findings/<int:pk>/repeat", views.repeat_decide, name="repeat-decide"),
]
