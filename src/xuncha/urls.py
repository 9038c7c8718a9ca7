from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "xuncha 巡察整改 · 基础数据管理"
admin.site.site_title = "xuncha 管理"

handler500 = "xuncha.web.views.common.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("public/", include("xuncha.portal.urls")),
    path("comments/", include("xuncha.portal.staff_urls")),
    path("", include("xuncha.web.urls")),
    path("", include("xuncha.notify.urls")),
    path("", include("xuncha.analytics.urls")),
    path("", include("xuncha.api.urls")),
    path("", include("xuncha.evaluation.urls")),
    path("", include("xuncha.exchange.urls")),
]
