"""The JSON API: /api/v1/…, its schema at /api/openapi.json and its documentation at /api/docs."""

from __future__ import annotations

from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from xuncha.api import errors
from xuncha.api.auth import SessionAuth, TokenAuth
from xuncha.api.routes import closeouts, escalation, interviews, ledger, notices, setup, supervision
from xuncha.api.summaries import name_operations

DESCRIPTION = """xuncha 巡察整改的数据接口。每个请求带 `Authorization: Bearer <令牌>`（在员工站点“接口令牌”页面或以
`xuncha token create` 创建）；员工站点本身的页面也可用登录会话调用（写操作需 CSRF）。
出错时一律返回 `{"code", "message", "errors"}`：message 为中文说明，errors 为各字段的错误。
对象的 GET 带 ETag（If-None-Match 命中时返回 304）；修改带版本的对象时可带 If-Match，对象已被他人修改则返回 412。
"""


class ReadableJSON(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}  # Chinese as characters, not \\u escapes


api = NinjaAPI(
    renderer=ReadableJSON(), title="xuncha 巡察整改接口", version="1", description=DESCRIPTION,
    auth=[TokenAuth(), SessionAuth()], urls_namespace="api",
    openapi_url="/openapi.json", docs_url="/docs",
)
errors.install(api)
for module in (setup, ledger, closeouts, notices, supervision, escalation, interviews):
    name_operations(module.router)
    api.add_router("/v1/", module.router)
