from django.urls import path

from xuncha.evaluation import views

urlpatterns = [
    path("evaluation/", views.index, name="evaluation"),
    path("evaluation/scheme/", views.scheme, name="evaluation-scheme"),
    path("evaluation/scheme/items/<int:pk>", views.item_save, name="evaluation-item"),
    path("evaluation/scheme/items/<int:pk>/delete", views.item_delete, name="evaluation-item-delete"),
    path("evaluation/rounds/<int:pk>/", views.round_results, name="evaluation-round"),
    path("evaluation/rounds/<int:pk>/run", views.run_start, name="evaluation-run"),
    path("evaluation/rounds/<int:pk>/units/<int:unit>/", views.unit, name="evaluation-unit"),
    path("evaluation/rounds/<int:pk>/units/<int:unit>/ratings", views.ratings, name="evaluation-ratings"),
    path("evaluation/rounds/<int:pk>/units/<int:unit>/report.<str:fmt>", views.report_download,
         name="evaluation-report"),
    path("checks/", views.check_list, name="random-checks"),
    path("checks/draw", views.check_draw, name="random-check-draw"),
    path("checks/<int:pk>/", views.check_detail, name="random-check"),
    path("checks/items/<int:pk>", views.check_record, name="random-check-record"),
]
