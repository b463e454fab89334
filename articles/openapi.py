"""The OpenAPI 3.1 description of the JSON API, served at /api/openapi.json.

Written by hand beside the code it describes: the parameters are articles/params.py's, the shapes
articles/shapes.py's, the write API articles/api.py's. tests/test_openapi.py checks them against
real answers, so a field added there and not here fails a test. docs/API.md has examples.
"""

from __future__ import annotations

from typing import Any

from articles.params import DEFAULT_PAGE_SIZE, MAX_PAGE, MAX_PAGE_SIZE, SORTS
from articles.query import MAX_QUERY_CHARS, MAX_TERMS

JSON = "application/json"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {JSON: {"schema": schema}}}


def _error(description: str) -> dict[str, Any]:
    return _json(_ref("Error"), description)


def _query(name: str, description: str, schema: dict[str, Any], example: Any = None) -> dict[str, Any]:
    parameter = {"name": name, "in": "query", "required": False, "description": description, "schema": schema}
    if example is not None:
        parameter["example"] = example
    return parameter


_STRING = {"type": "string"}
_DATE = {"type": "string", "format": "date"}
_NULLABLE_DATE = {"type": ["string", "null"], "format": "date"}
_TIME = {"type": "string", "format": "date-time"}
_STRINGS = {"type": "array", "items": _STRING}
_ID = {"type": "integer", "minimum": 1}


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


SEARCH_PARAMETERS = [
    _query(
        "q",
        f"检索词（最多 {MAX_QUERY_CHARS} 字、{MAX_TERMS} 个词）：空格分隔的词须同时出现；\"短语\"、“短语”、「短语」按原样匹配；"
        "-词 排除。Search terms: space-separated terms are ANDed, quoted phrases match exactly, -term excludes. "
        "Without q: every article, newest first.",
        {"type": "string", "maxLength": MAX_QUERY_CHARS},
        "介休 党建",
    ),
    _query("county", "县区：六位代码、全称或无歧义的简称。County: six-digit code, full or unambiguous short name.", _STRING, "介休市"),
    _query("prefecture", "地市：名称或四位代码。Prefecture: name or four-digit code.", _STRING, "运城市"),
    _query("paper", "报名（完全一致）。Paper name, exact.", _STRING, "晋中日报"),
    _query("date_from", "起始日期（含）。First date, inclusive.", _DATE, "2025-01-01"),
    _query("date_to", "截止日期（含），不早于 date_from。Last date, inclusive.", _DATE, "2025-12-31"),
    _query(
        "sort",
        "relevance（默认，有 q 时按相关度）或 date（从新到旧）。Order: relevance (default) or date, newest first.",
        {"type": "string", "enum": list(SORTS), "default": "relevance"},
    ),
    _query("page", "页码。Page number.", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1}),
    _query(
        "page_size",
        "每页条数。Results per page.",
        {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE, "default": DEFAULT_PAGE_SIZE},
    ),
]

_PAGE_REF = _object(
    {
        "id": _ID,
        "url": _STRING,
        "paper": _STRING,
        "date": _NULLABLE_DATE,
        "label": {"type": "string", "description": "版次，如 第3版"},
        "file": {"type": "string", "description": "源文件名"},
    },
    "The page (one source file) the article was printed on.",
)

SCHEMAS: dict[str, Any] = {
    "Error": _object(
        {"error": {"type": "string", "description": "中文说明，UTF-8（不转义）。A readable message."}},
        "Every refusal: 400, 401, 403, 404, 405, 409, 500.",
    )
    | {"additionalProperties": True},
    "ArticleRow": _object(
        {
            "id": _ID,
            "headline": _STRING,
            "kicker": _STRING,
            "counties": {**_STRINGS, "description": "县区名，主县区在前"},
            "date": _NULLABLE_DATE,
            "paper": _STRING,
            "url": {"type": "string", "description": "文章页地址（站内路径）"},
            "snippet": {"type": "string", "description": "HTML：转义后的文字，检索词以 <mark> 标出"},
        }
    ),
    "ArticleList": _object(
        {
            "count": {"type": "integer", "minimum": 0},
            "count_exact": {
                "type": "boolean",
                "description": "false: count 是数据库的估计（结果很多时）。false when count is the planner's estimate.",
            },
            "page": {"type": "integer", "minimum": 1},
            "page_size": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
            "results": {"type": "array", "items": _ref("ArticleRow")},
        }
    ),
    "Block": _object(
        {
            "kind": {"type": "string", "enum": ["p", "h", "j"], "description": "p 段落、h 小标题、j 转版提示"},
            "text": _STRING,
        }
    ),
    "ArticleDetail": _object(
        {
            "id": _ID,
            "url": _STRING,
            "section": {"type": "string", "description": "栏目"},
            "kicker": {"type": "string", "description": "引题"},
            "headline": {"type": "string", "description": "标题"},
            "subheadline": {"type": "string", "description": "副题"},
            "byline": {**_STRINGS, "description": "作者"},
            "byline_text": {"type": "string", "description": "署名原文"},
            "source": {"type": "string", "description": "来源"},
            "body": {"type": "string", "description": "正文，段落以换行分隔"},
            "blocks": {"type": "array", "items": _ref("Block"), "description": "正文按印刷顺序"},
            "intertitles": {**_STRINGS, "description": "小标题"},
            "captions": {
                "type": "array",
                "items": _object({"text": _STRING, "credit": {"type": "string", "description": "摄影"}}),
            },
            "counties": {
                "type": "array",
                "items": _object({"code": _STRING, "name": _STRING, "primary": {"type": "boolean"}}),
            },
            "continued": {"type": "boolean", "description": "续前文（接他版）"},
            "warnings": {**_STRINGS, "description": "拆分时的提示，如 no_headline"},
            "lines": {"type": "array", "items": {"type": "integer"}, "description": "源文件中的行号"},
            "page": _PAGE_REF,
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
            "furniture": {"type": "array", "items": {"type": "object"}, "description": "版面元素（报头、页眉等）"},
            "articles": {"type": "array", "items": _ref("ArticleDetail")},
        }
    ),
    "PageWritten": {
        "type": "object",
        "required": ["outcome", "page"],
        "properties": {
            "outcome": {"type": "string", "enum": ["created", "duplicate", "same_slot", "replaced", "published"]},
            "message": _STRING,
            "page": _ref("PageDetail"),
        },
    },
    "Health": _object({"status": {"type": "string", "enum": ["ok", "unavailable"]}, "database": {"type": "boolean"}}),
}

_READ_ERRORS = {
    "405": _error("只接受 GET 或 HEAD。Only GET and HEAD."),
}
_TOKEN_ERRORS = {
    "401": _error("缺少或错误的令牌。Missing or wrong token."),
    "403": _error("令牌的用户没有这个角色。The token's user lacks the role."),
    "405": _error("只接受 POST。Only POST."),
}


def _paths() -> dict[str, Any]:
    return {
        "/api/articles": {
            "get": {
                "operationId": "listArticles",
                "summary": "检索或浏览文章 Search or list articles",
                "description": "只含已发布版面的文章。Published pages' articles only. Without q, newest first.",
                "tags": ["articles"],
                "parameters": SEARCH_PARAMETERS,
                "responses": {
                    "200": _json(_ref("ArticleList"), "一页结果。One page of results (past the last page: empty)."),
                    "400": _error("参数有误，error 说明哪一个。A parameter is wrong; error names it."),
                    **_READ_ERRORS,
                },
            }
        },
        "/api/articles/{id}": {
            "get": {
                "operationId": "getArticle",
                "summary": "一篇文章的全部字段 One article in full",
                "tags": ["articles"],
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": _ID}],
                "responses": {
                    "200": _json(_ref("ArticleDetail"), "The article."),
                    "404": _error("没有这篇文章（或未发布）。No such article, or not published."),
                    **_READ_ERRORS,
                },
            }
        },
        "/api/pages": {
            "post": {
                "operationId": "uploadPage",
                "summary": "上传一个版面文件为草稿 Upload a page file as a draft",
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
                                    "file": {"type": "string", "contentMediaType": "application/octet-stream"},
                                    "paper": {"type": "string", "maxLength": 100},
                                    "date": _DATE,
                                    "page": {"type": "string", "maxLength": 50, "description": "版次，如 第3版"},
                                    "prefecture": {"type": "string", "pattern": "^\\d{4}$"},
                                    "same_slot": {"type": "string", "enum": ["report", "replace", "keep"], "default": "report"},
                                },
                            }
                        }
                    },
                },
                "responses": {
                    "201": _json(_ref("PageWritten"), "新草稿。A new draft (outcome created)."),
                    "200": _json(_ref("PageWritten"), "已有同样的文件（duplicate）或已替换（replaced）。Nothing new, or replaced."),
                    "400": _error("表单或文件被拒，error 说明原因。The form or the file is refused."),
                    "413": _error("请求体超过 UPLOAD_MAX_REQUEST_BYTES，未读取即拒绝。The request is over the size limit."),
                    "409": _json(
                        _ref("PageWritten"),
                        "同报同日同版已有不同内容，什么也没写。The slot holds another text; nothing written.",
                    ),
                    **_TOKEN_ERRORS,
                },
            }
        },
        "/api/pages/{id}/publish": {
            "post": {
                "operationId": "publishPage",
                "summary": "发布版面 Publish a page",
                "tags": ["editors"],
                "security": [{"token": []}],
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": _ID}],
                "requestBody": {
                    "required": False,
                    "content": {
                        "application/x-www-form-urlencoded": {
                            "schema": {
                                "type": "object",
                                "properties": {"keep_both": {"type": "string", "enum": ["1"]}},
                            }
                        }
                    },
                },
                "responses": {
                    "200": _json(_ref("PageWritten"), "已发布。Published (outcome published)."),
                    "404": _error("没有这个版面。No such page."),
                    "409": _error("同一版位已有版面；发送 keep_both=1 两者都保留。The slot holds another page."),
                    **_TOKEN_ERRORS,
                },
            }
        },
        "/healthz": {
            "get": {
                "operationId": "health",
                "summary": "服务与数据库是否正常 Liveness and database check",
                "tags": ["service"],
                "responses": {
                    "200": _json(_ref("Health"), "正常。OK."),
                    "503": _json(_ref("Health"), "数据库不可用。The database is unavailable."),
                },
            }
        },
    }


def spec(server_url: str = "/") -> dict[str, Any]:
    """The whole document; ``server_url`` is the site's address as the request saw it."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "地方报纸档案 JSON 接口",
            "version": "1.0",
            "summary": "Search and read a Chinese regional newspaper archive; upload pages (editors).",
            "description": "读者接口无需认证，只返回已发布版面的内容；写接口需要 API 令牌"
            "（Authorization: Token <key>，管理员用 manage.py apitoken NAME 生成）。"
            "所有回答（包括错误）都是 UTF-8 JSON。Examples: docs/API.md.",
        },
        "servers": [{"url": server_url}],
        "tags": [
            {"name": "articles", "description": "读者：检索与文章。Readers."},
            {"name": "editors", "description": "编辑的脚本：上传与发布。Editors' scripts."},
            {"name": "service", "description": "运维。Operations."},
        ],
        "paths": _paths(),
        "components": {
            "schemas": SCHEMAS,
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
