"""The OpenAPI 3.1 description of the JSON API, served at /api/openapi.json.

Written by hand beside the code it describes: the parameters are articles/params.py's, the shapes
articles/shapes.py's, the write API articles/api.py's. tests/test_openapi.py checks them against
real answers, so a field added there and not here fails a test. docs/API.md has examples.
Built per request, so that its prose follows the reader's language (the English in
locale/en/LC_MESSAGES/django.po).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from articles.params import DEFAULT_PAGE_SIZE, MAX_PAGE, MAX_PAGE_SIZE, SORTS
from articles.query import MAX_QUERY_CHARS, MAX_TERMS
from ingest.carry import LINES_CHANGED, SPLIT_DIFFERS
from ingest.manifest import ISSUE_DATE_MIN, PREFECTURE_PATTERN

JSON = "application/json"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {JSON: {"schema": schema}}}


def _error(description: str) -> dict[str, Any]:
    return _json(_ref("Error"), description)


def _query(name: str, description: str, schema: dict[str, Any], example: Any = None) -> dict[str, Any]:
    # As the search page's form sends them: an empty value is the parameter not given.
    parameter = {
        "name": name, "in": "query", "required": False, "allowEmptyValue": True, "description": description, "schema": schema,
    }
    if example is not None:
        parameter["example"] = example
    return parameter


_STRING = {"type": "string"}
_DATE = {"type": "string", "format": "date"}
_NULLABLE_DATE = {"type": ["string", "null"], "format": "date"}
_TIME = {"type": "string", "format": "date-time"}
_STRINGS = {"type": "array", "items": _STRING}
_ID = {"type": "integer", "minimum": 1}


def _or_empty(schema: dict[str, Any]) -> dict[str, Any]:
    """An optional form field: an empty value is the field not given (as curl -F date= sends it)."""
    return {"anyOf": [schema, {"const": ""}]}


def _object(properties: dict[str, Any], description: str = "") -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": "object",
        "required": list(properties),
        "properties": properties,
        "additionalProperties": False,
    }
    if description:
        schema["description"] = description
    return schema


def _search_parameters() -> list[dict[str, Any]]:
    return [
        _query(
            "q",
            _(
                "检索词（最多 %(chars)s 字、%(terms)s 个词）：空格分隔的词须同时出现；\"短语\"、“短语”、「短语」按原样匹配；"
                "-词 排除。没有 q 时列出全部文章，从新到旧。"
            ) % {"chars": MAX_QUERY_CHARS, "terms": MAX_TERMS},
            {"type": "string", "maxLength": MAX_QUERY_CHARS},
            "介休 党建",
        ),
        _query("county", _("县区：六位代码、全称或无歧义的简称。"), _STRING, "介休市"),
        _query("prefecture", _("地市：名称或四位代码。"), _STRING, "运城市"),
        _query("paper", _("报名（完全一致）。"), _STRING, "晋中日报"),
        _query("date_from", _("起始日期（含）。"), _DATE, "2025-01-01"),
        _query("date_to", _("截止日期（含），不早于 date_from。"), _DATE, "2025-12-31"),
        _query(
            "sort",
            _("relevance（默认：有 q 时按相关度）或 date（从新到旧）。"),
            {"type": "string", "enum": list(SORTS), "default": "relevance"},
        ),
        _query(
            "page",
            _("页码。结果只列出前 %(depth)s 篇：检索到的超过 %(depth)s 篇时，(page − 1) × page_size 须小于 %(depth)s，否则 400（不到 %(depth)s 篇时，翻过最后一页只是空的 results）；更多的请用日期、县区或报纸筛选，或用整年导出。")
            % {"depth": settings.SEARCH_MAX_DEPTH},
            {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1},
        ),
        _query(
            "page_size",
            _("每页条数。"),
            {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE, "default": DEFAULT_PAGE_SIZE},
        ),
    ]


def _schemas() -> dict[str, Any]:
    label = {"type": "string", "description": _("版次，如 第3版")}
    page_ref = _object(
        {"id": _ID, "url": _STRING, "paper": _STRING, "date": _NULLABLE_DATE, "label": label,
         "file": {"type": "string", "description": _("源文件名")}},
        _("文章所在的版面（一个源文件）。"),
    )
    return {
        "Error": _object(
            {"error": {"type": "string", "description": _("说明文字，随读者选择的语言（UTF-8，不转义）。")}},
            _("所有拒绝的回答：400、401、403、404、405、409、413、429、500、503。"),
        )
        | {"additionalProperties": True},
        "ArticleRow": _object(
            {
                "id": _ID,
                "headline": _STRING,
                "kicker": _STRING,
                "counties": {**_STRINGS, "description": _("县区名，主县区在前")},
                "date": _NULLABLE_DATE,
                "paper": _STRING,
                "url": {"type": "string", "description": _("文章页地址（站内路径）")},
                "snippet": {"type": "string", "description": _("HTML：转义后的文字，检索词以 <mark> 标出")},
            }
        ),
        "ArticleList": _object(
            {
                "count": {"type": "integer", "minimum": 0},
                "count_exact": {"type": "boolean", "description": _("false：count 是估计（结果多于约一千篇时）：不小于一千，也不小于已取的页所证明的篇数；它不决定最后一页：results 少于 page_size 的那一页才是最后一页，之后的页 results 为空。")},
                "page": {"type": "integer", "minimum": 1},
                "page_size": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
                "results": {"type": "array", "items": _ref("ArticleRow")},
            }
        ),
        "Block": _object(
            {
                "kind": {"type": "string", "enum": ["p", "h", "j"], "description": _("p 段落、h 小标题、j 转版提示")},
                "text": _STRING,
            }
        ),
        "ArticleDetail": _object(
            {
                "id": _ID,
                "url": _STRING,
                "section": {"type": "string", "description": _("栏目")},
                "kicker": {"type": "string", "description": _("引题")},
                "headline": {"type": "string", "description": _("标题")},
                "subheadline": {"type": "string", "description": _("副题")},
                "byline": {**_STRINGS, "description": _("作者")},
                "byline_text": {"type": "string", "description": _("署名原文")},
                "source": {"type": "string", "description": _("来源")},
                "body": {"type": "string", "description": _("正文，段落以换行分隔")},
                "blocks": {"type": "array", "items": _ref("Block"), "description": _("正文按印刷顺序")},
                "intertitles": {**_STRINGS, "description": _("小标题")},
                "captions": {
                    "type": "array",
                    "items": _object({
                        "text": _STRING,
                        "credit": {"type": "string", "description": _("摄影")},
                        "credit_text": {"type": "string", "description": _("署名原文（照印刷，如“通讯员 刘丹 摄”“制图：高远”），没有时为空")},
                    }),
                },
                "counties": {
                    "type": "array",
                    "items": _object({"code": _STRING, "name": _STRING, "primary": {"type": "boolean"}}),
                },
                "continued": {"type": "boolean", "description": _("续前文（接他版）")},
                "warnings": {**_STRINGS, "description": _("拆分时的提示，如 no_headline")},
                "lines": {"type": "array", "items": {"type": "integer"}, "description": _("源文件中的行号")},
                "page": page_ref,
            }
        ),
        "PageDetail": _object(
            {
                "id": _ID,
                "url": _STRING,
                "preview_url": _STRING,
                "status": {"type": "string", "enum": ["draft", "published", "withdrawn"]},
                "paper": _STRING,
                "date": _NULLABLE_DATE,
                "edition": _STRING,
                "label": _STRING,
                "number": {"type": ["integer", "null"]},
                "file": _STRING,
                "sha256": _STRING,
                "uploaded_by": {"type": ["string", "null"]},
                "ingested_at": _TIME,
                "published_at": {"type": ["string", "null"], "format": "date-time"},
                "furniture": {"type": "array", "items": {"type": "object"}, "description": _("版面元素（报头、页眉等）")},
                "articles": {"type": "array", "items": _ref("ArticleDetail")},
            }
        ),
        "PageWritten": {
            "type": "object",
            "required": ["outcome", "page"],
            "properties": {
                "outcome": {
                    "type": "string", "enum": ["created", "duplicate", "same_slot", "replaced", "lost_corrections", "published"],
                },
                "message": _STRING,
                "page": _ref("PageDetail"),
                # Only with outcome "replaced" or "lost_corrections" (articles/api.py _conflict).
                "conflicts": {
                    "type": "array",
                    "description": _(
                        "仅在 replaced 和 lost_corrections 时给出：原版面上未能（lost_corrections：将不能）"
                        "沿用到新文本的人工校正，每篇一条。"
                    ),
                    "items": _object(
                        {
                            "article": {"type": ["integer", "null"], "description": _("原文章的编号")},
                            "headline": _STRING,
                            "reason": {"type": "string", "enum": [LINES_CHANGED, SPLIT_DIFFERS]},
                            "message": _STRING,
                            "lines": {"type": "array", "items": {"type": "integer"}, "description": _("原文章在旧文本中的行号")},
                        }
                    ),
                },
            },
        },
        "Health": _object({"status": {"type": "string", "enum": ["ok", "unavailable"]}, "database": {"type": "boolean"}}),
    }


def _retry_later(description: str) -> dict[str, Any]:
    """A 429 or 503: the Error shape, and Retry-After (seconds) always sent with it."""
    return _error(description) | {
        "headers": {
            "Retry-After": {
                "description": _("多少秒后再试。"),
                "required": True,
                "schema": {"type": "string", "pattern": "^[0-9]+$"},
            }
        }
    }


def _unavailable() -> dict[str, Any]:
    # articles/middleware.py outage_response: any address, while the database cannot be reached.
    return {"503": _retry_later(_("数据库暂时无法访问；Retry-After 秒后再试。"))}


def _too_many(setting: str) -> dict[str, Any]:
    # articles/ratelimits.py too_many: per account or address, the rate named by the setting.
    return {
        "429": _retry_later(
            _("请求太频繁（每个用户或地址的限额：%(setting)s）；Retry-After 秒后再试。") % {"setting": setting}
        )
    }


def _read_errors() -> dict[str, Any]:
    return {
        # articles/caching.py: the ETag is the archive's write generation.
        "304": {"description": _("未改变：If-None-Match 中的 ETag 仍是当前的（自那以后没有写入）。")},
        "405": _error(_("只接受 GET 或 HEAD。")),
        **_too_many("RATE_LIMIT_API"),
        **_unavailable(),
    }


def _token_errors() -> dict[str, Any]:
    return {
        "401": _error(_("缺少、错误或已过期的令牌。")),
        "403": _error(_("令牌的用户没有这个角色。")),
        "405": _error(_("只接受 POST。")),
        **_unavailable(),
    }


def _paths() -> dict[str, Any]:
    return {
        "/api/articles": {
            "get": {
                "operationId": "listArticles",
                "summary": _("检索或浏览文章"),
                "description": _("只含已发布版面的文章；没有 q 时从新到旧。查询参数的值为空，等于没有给出这个参数。"),
                "tags": ["articles"],
                "parameters": _search_parameters(),
                "responses": {
                    "200": _json(_ref("ArticleList"), _("一页结果（超过最后一页时为空）。")),
                    "400": _error(_("参数有误，error 说明是哪一个。")),
                    **_read_errors(),
                },
            }
        },
        "/api/articles/{id}": {
            "get": {
                "operationId": "getArticle",
                "summary": _("一篇文章的全部字段"),
                "tags": ["articles"],
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": _ID}],
                "responses": {
                    "200": _json(_ref("ArticleDetail"), _("这篇文章。")),
                    "404": _error(_("没有这篇文章（或未发布）。")),
                    **_read_errors(),
                },
            }
        },
        "/api/pages": {
            "post": {
                "operationId": "uploadPage",
                "summary": _("上传一个版面文件为草稿"),
                "tags": ["editors"],
                "security": [{"token": []}],
                "requestBody": {
                    "required": True,
                    "content": {
                        "multipart/form-data": {
                            "schema": {
                                "type": "object",
                                "required": ["file", "paper"],
                                "properties": {
                                    # Any bytes (OpenAPI 3.1's binary content): what is not a page of text is a 400.
                                    "file": {"contentMediaType": "application/octet-stream", "description": _("版面文本文件")},
                                    # Not blank: a paper of only spaces is refused (api.PageUploadForm.clean_paper).
                                    "paper": {"type": "string", "maxLength": 100, "pattern": "\\S"},
                                    "date": _or_empty(
                                        {
                                            **_DATE,
                                            "description": _("出版日期，%(lo)s 到今天一年后之间；留空为日期不详")
                                            % {"lo": ISSUE_DATE_MIN.isoformat()},
                                        }
                                    ),
                                    "page": {"type": "string", "maxLength": 50, "description": _("版次，如 第3版")},
                                    "prefecture": _or_empty(
                                        {"type": "string", "pattern": f"^{PREFECTURE_PATTERN}$",
                                         "description": _("所在地市的四位代码（如 1407 是晋中市），须是地名表中的地市")}
                                    ),
                                    "same_slot": _or_empty(
                                        {"type": "string", "enum": ["report", "replace", "keep"], "default": "report"}
                                    ),
                                    # api.PageUploadForm.lost_ok, as the browser's replace form's tick.
                                    "lost_ok": _or_empty(
                                        {
                                            "type": "string", "enum": ["1"],
                                            "description": _(
                                                "与 same_slot=replace 一起用：1 表示知道替换会丢掉原版面上列出的人工校正"
                                                "（替换不能撤销）；不给时，这样的替换是 409 lost_corrections，什么也没写。只有管理员的密钥可以这样替换：编辑的密钥给了也是 409。"
                                            ),
                                        }
                                    ),
                                },
                            }
                        }
                    },
                },
                "responses": {
                    "201": _json(_ref("PageWritten"), _("新草稿（outcome 为 created）。")),
                    "200": _json(_ref("PageWritten"), _("已有同样的文件（duplicate），或已替换（replaced）。")),
                    "400": _error(_("表单或文件被拒，error 说明原因。")),
                    "413": _error(_("请求体超过 UPLOAD_MAX_REQUEST_BYTES，未读取即拒绝。")),
                    "409": _json(
                        _ref("PageWritten"),
                        _(
                            "同报同日同版已有不同内容（same_slot），或替换会丢掉人工校正而没有 lost_ok=1"
                            "（lost_corrections，conflicts 列出它们）：什么也没写。"
                        ),
                    ),
                    **_token_errors(),
                    **_too_many("RATE_LIMIT_UPLOAD"),
                },
            }
        },
        "/api/pages/{id}/publish": {
            "post": {
                "operationId": "publishPage",
                "summary": _("发布版面"),
                "tags": ["editors"],
                "security": [{"token": []}],
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": _ID}],
                "requestBody": {
                    "required": False,
                    "content": {
                        "application/x-www-form-urlencoded": {
                            "schema": {
                                "type": "object",
                                "properties": {"keep_both": _or_empty({"type": "string", "enum": ["1"]})},
                            }
                        }
                    },
                },
                "responses": {
                    "200": _json(_ref("PageWritten"), _("已发布（outcome 为 published）。")),
                    "400": _error(_("keep_both 只能是 1")),
                    "404": _error(_("没有这个版面。")),
                    "409": _error(_("同一版位已有版面；发送 keep_both=1 两者都保留。")),
                    **_token_errors(),
                },
            }
        },
        "/healthz": {
            "get": {
                "operationId": "health",
                "summary": _("服务与数据库是否正常"),
                "tags": ["service"],
                "responses": {
                    "200": _json(_ref("Health"), _("正常。")),
                    "503": _json(_ref("Health"), _("数据库不可用。")),
                },
            }
        },
    }


def spec(server_url: str = "/") -> dict[str, Any]:
    """The whole document; ``server_url`` is the site's address as the request saw it. Its prose is
    in the reader's language (Chinese, or English by the language cookie), as the API's errors are."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": _("地方报纸档案 JSON 接口"),
            "version": "1.0",
            "summary": _("检索和阅读地方报纸档案；编辑可以上传版面。"),
            "description": _(
                "读者接口无需认证，只返回已发布版面的内容；写接口需要 API 令牌"
                "（Authorization: Token <key>，管理员用 manage.py apitoken NAME 生成）。"
                "所有回答（包括错误）都是 UTF-8 JSON；说明和错误信息默认是中文，"
                "语言 Cookie（django_language=en）选英文。示例见 docs/API.md。"
            ),
        },
        "servers": [{"url": server_url}],
        "tags": [
            {"name": "articles", "description": _("读者：检索与文章。")},
            {"name": "editors", "description": _("编辑的脚本：上传与发布。")},
            {"name": "service", "description": _("运维。")},
        ],
        "paths": _paths(),
        "components": {
            "schemas": _schemas(),
            "securitySchemes": {
                "token": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "Authorization",
                    "description": "Token <key>",
                }
            },
        },
    }
