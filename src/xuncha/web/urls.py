from django.contrib.auth import views as auth_views
from django.urls import path

from xuncha.web.views import accounts_admin as staff_accounts
from xuncha.web.views import evidence_removal as evidence_views
from xuncha.web.views import twofactor as second_factor
from xuncha.web.views import account, audit, closeouts, files, imports, jobs, ledger, notices, reuse

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="web/login.html",
                                                redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/password/", account.password_change, name="password-change"),
    path("", ledger.workbench, name="workbench"),
    path("rounds/", ledger.round_list, name="rounds"),
    path("rounds/<int:pk>/", ledger.round_detail, name="round"),
    path("findings/", ledger.finding_list, name="findings"),
    path("inspections/<int:pk>/", ledger.inspection_detail, name="inspection"),
    path("inspections/<int:pk>/findings/new", ledger.finding_create, name="finding-create"),
    path("findings/<int:pk>/", ledger.finding_detail, name="finding"),
    path("findings/<int:pk>/edit", ledger.finding_update, name="finding-update"),
    path("findings/<int:pk>/measures/new", ledger.measure_create, name="measure-create"),
    path("measures/<int:pk>/edit", ledger.measure_update, name="measure-update"),
    path("findings/<int:pk>/closeout", closeouts.closeout_request, name="closeout-request"),
    path("findings/<int:pk>/lookback", closeouts.lookback_create, name="lookback-create"),
    path("measures/<int:pk>/status", ledger.measure_status, name="measure-status"),
    path("measures/<int:pk>/progress", ledger.progress_create, name="progress-create"),
    path("closeouts/<int:pk>/approve", closeouts.closeout_decide, {"decision": "approve"},
         name="closeout-approve"),
    path("closeouts/<int:pk>/return", closeouts.closeout_decide, {"decision": "return"}, name="closeout-return"),
    path("evidence/<int:pk>/download", files.evidence_download, name="evidence-download"),
    path("inspections/<int:pk>/ledger.xlsx", imports.ledger_export, name="ledger-export"),
    path("inspections/<int:pk>/import", imports.import_upload, name="import"),
    path("inspections/<int:pk>/import/confirm", imports.import_confirm, name="import-confirm"),
    path("inspections/<int:pk>/import/cancel", imports.import_cancel, name="import-cancel"),
    path("inspections/<int:pk>/notices/new", notices.notice_create, name="notice-create"),
    path("notices/<int:pk>/", notices.notice_detail, name="notice"),
    path("notices/<int:pk>/edit", notices.notice_edit, name="notice-edit"),
    path("notices/<int:pk>/approve", notices.notice_transition, {"action": "approve"}, name="notice-approve"),
    path("notices/<int:pk>/publish", notices.notice_transition, {"action": "publish"}, name="notice-publish"),
    path("notices/<int:pk>/download/<str:fmt>", notices.notice_download, name="notice-download"),
    path("notices/<int:pk>/mask", notices.notice_mask, name="notice-mask"),
    path("notices/<int:pk>/mask-number", notices.notice_mask_number, name="notice-mask-number"),
    path("reuse/", reuse.check_list, name="reuse-checks"),
    path("reuse/<int:pk>/", reuse.check_detail, name="reuse-check"),
    path("reuse/<int:pk>/report.<str:fmt>", reuse.check_export, name="reuse-export"),
    # 后台任务 (xuncha.jobs)
    path("jobs/", jobs.job_list, name="jobs"),
    path("jobs/<int:pk>/retry", jobs.job_retry, name="job-retry"),
    # 双因素认证 (second factor) and 账号管理 (staff accounts, by the 三员)
    path("account/2fa/", second_factor.overview, name="two-factor"),
    path("account/2fa/setup/", second_factor.setup, name="two-factor-setup"),
    path("account/2fa/verify/", second_factor.verify, name="two-factor-verify"),
    path("account/2fa/recovery", second_factor.recovery, name="two-factor-recovery"),
    path("accounts/", staff_accounts.account_list, name="accounts"),
    path("accounts/new", staff_accounts.account_create, name="account-create"),
    path("accounts/<int:pk>/", staff_accounts.account_detail, name="account"),
    path("accounts/<int:pk>/active", staff_accounts.account_active, name="account-active"),
    path("accounts/<int:pk>/password", staff_accounts.account_password, name="account-password"),
    path("accounts/<int:pk>/role", staff_accounts.account_role, name="account-role"),
    path("accounts/<int:pk>/unlock", staff_accounts.account_unlock, name="account-unlock"),
    path("accounts/<int:pk>/2fa-reset", staff_accounts.account_reset_2fa, name="account-2fa-reset"),
    path("evidence/<int:pk>/withdraw", evidence_views.evidence_withdraw, name="evidence-withdraw"),
    path("evidence/<int:pk>/remove", evidence_views.evidence_remove, name="evidence-remove"),
    # 审计日志
    path("audit/", audit.audit_log, name="audit-log"),
    path("audit/export.xlsx", audit.audit_export, name="audit-export"),
]
