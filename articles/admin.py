"""Admin: every model is shown; changes to pages and articles go through articles/writer.py, so
search vectors, the articles' copies and the page's revision log follow in the same transaction.

Pages come from files (the upload page, ``manage.py ingest``), so the admin adds none, nor
articles; corrections of a split have their own page. Revisions are a read-only log.
"""

from __future__ import annotations

from difflib import SequenceMatcher

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User
from django.contrib.admin.widgets import AdminTextareaWidget
from django.db import transaction
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from articles import writer
from articles.forms import VersionChecked, one_line, validate_issue_date
from articles.models import (
    ApiToken, Article, ArticleCounty, Caption, County, CountyTally, Issue, Newspaper, Page, PageRevision,
)
from ingest import corrections
from ingest import model as parsed


class _Text(forms.CharField):
    """Text whose line breaks are ``\\n``, as stored: a browser sends a textarea's as ``\\r\\n``
    (HTML's form encoding), which would otherwise count as a change and be stored with ``\\r``."""

    def to_python(self, value):
        return super().to_python(corrections.newlines(value) if isinstance(value, str) else value)


class _Lines(_Text):
    """A list of texts edited one per line: intertitles may hold any comma (织密矩阵,组织扎根), so
    a comma-separated field would cut one in two. Blank lines are dropped."""

    widget = AdminTextareaWidget(attrs={"rows": 4})

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list | tuple) else value

    def to_python(self, value) -> list[str]:
        return [line.strip() for line in super().to_python(value).split("\n") if line.strip()]

    def has_changed(self, initial, data) -> bool:
        return list(initial or []) != self.to_python(data)


class _Versioned(VersionChecked, forms.ModelForm):
    """A change form that says which version of the page it was made from and is refused when
    the page has changed since (``VersionChecked``, the preview's forms' rule).

    Django's admin compares what comes back with the rows as they are when the form is posted,
    not as they were when it was opened: without this a form opened before another admin's
    correction would take every field that correction changed for a field this admin changed,
    and write it back. The check locks the page (the admin's POST is one transaction), so
    nothing can change it between the check and the write.
    """

    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # A string, as it comes back: an int would count as a change of the field.
            self.fields["version"].initial = str(writer.version(self._page_id()))

    def _page_id(self) -> int:
        raise NotImplementedError

    def check_version(self) -> Page | None:
        """The page, locked, when the form was made from its latest version; raises the reason
        otherwise."""
        if not self.instance.pk:
            return None
        page = Page.objects.select_for_update().get(pk=self._page_id())
        reason = self.stale(page)
        if reason:
            raise forms.ValidationError(reason, code="stale")
        return page


class ArticleAdminForm(_Versioned):
    body = _Text(
        label=_("正文"), required=False, strip=False, widget=AdminTextareaWidget,
        help_text=_("一行一段。"),
    )
    intertitles = _Lines(label=_("小标题"), required=False, help_text=_("一行一个小标题。"))

    class Meta:
        model = Article
        fields = "__all__"
        field_classes = dict.fromkeys(("section", "kicker", "headline", "subheadline", "byline_text", "source"), _Text)

    def _page_id(self) -> int:
        return self.instance.page_id

    def _stale(self, latest: int, seen: int) -> str:
        return _(
            "这篇文章所在的版面在你打开表单之后被改过（现在是版本 %(latest)s，你打开的是版本 %(seen)s）："
            "你的修改没有保存。请重新打开这篇文章，在最新的内容上再改。"
        ) % {"latest": latest, "seen": seen}

    def clean(self) -> dict:
        data = super().clean()
        self.check_version()
        return data


class _RowFormSet(BaseInlineFormSet):
    """A tabular inline's forms: a row's fields have no <label> (a column's heading names them, out
    of the form's reach), so each widget, the row's "delete" box too, carries its field's name as
    aria-label."""

    def add_fields(self, form, index) -> None:
        super().add_fields(form, index)
        for field in form.fields.values():
            if field.label:
                field.widget.attrs.setdefault("aria-label", field.label)


class CaptionForm(forms.ModelForm):
    class Meta:
        model = Caption
        fields = "__all__"
        field_classes = {"text": _Text, "credit": _Text, "credit_text": _Text}


# The page form shows this many lines of the page's file.
ADMIN_SOURCE_LINES = 200
# An article with more captions than this (a picture page of thousands) is not given a form row
# for each in the admin (20,000 rows took 15 s to make); its captions are corrected on the
# page's correction page, a part at a time.
ADMIN_CAPTION_ROWS = 200


def _too_many_captions(article: Article | None) -> int:
    """The article's caption count when it is over ADMIN_CAPTION_ROWS, else 0 (counted once)."""
    if article is None:
        return 0
    if not hasattr(article, "_caption_count"):
        article._caption_count = article.captions.count()
    return article._caption_count if article._caption_count > ADMIN_CAPTION_ROWS else 0


class CaptionInline(admin.TabularInline):
    model = Caption
    form = CaptionForm
    formset = _RowFormSet
    extra = 0
    fields = ["position", "text", "credit", "credit_text", "lines"]
    readonly_fields = ["position", "lines"]
    # A caption is tied to its source lines: text and credit can be corrected, the set cannot.
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class CountyInline(admin.TabularInline):
    model = ArticleCounty
    formset = _RowFormSet
    extra = 0
    autocomplete_fields = ["county"]
    # As the writer orders the tags (writer._page_articles): the form read back unchanged is the same list.
    ordering = ["-primary", "id"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = ["__str__", "newspaper", "date", "page", "position", "visible", "continued"]
    list_filter = ["visible", "newspaper", "continued"]
    search_fields = ["headline", "kicker"]
    list_select_related = ["newspaper", "page__issue__newspaper"]
    readonly_fields = ["page", "position", "blocks", "lines", "warnings", "newspaper", "date", "visible"]

    def get_queryset(self, request: HttpRequest):
        # The list shows titles (an untitled story's from its body): not the search vectors (out
        # of line), the blocks or the page's text.
        queryset = super().get_queryset(request)
        if not _listing(request):
            return queryset
        return queryset.defer("blocks", "search_head", "search_body", "search_words", "page__raw_text", "page__furniture")
    inlines = [CaptionInline, CountyInline]

    def get_inlines(self, request: HttpRequest, obj=None):
        return [CountyInline] if _too_many_captions(obj) else self.inlines

    def render_change_form(self, request: HttpRequest, context: dict, *args, obj=None, **kwargs):
        many = _too_many_captions(obj)
        if many:
            messages.info(request, _("这篇文章有 %(n)s 条图片说明，这里不逐条列出：请在版面的校正页修改。") % {"n": many})
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)
    fields = [
        "page", "position", "section", "kicker", "headline", "subheadline", "byline", "byline_text",
        "source", "body", "intertitles", "continued", "blocks", "warnings", "lines", "newspaper", "date", "visible",
        "version",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # articles come from splitting a page

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # every line must stay somewhere: merge or move lines on the correction page

    def save_model(self, request, obj, form, change) -> None:
        pass  # written with its inlines in save_related, through the writer

    def save_related(self, request, form, formsets, change) -> None:
        article = form.instance
        # Locked since the form's version check (ArticleAdminForm.clean): the page is as the
        # admin saw it, and stays so until this transaction commits.
        page = Page.objects.select_for_update().get(pk=article.page_id)
        before = writer.load_state(page)
        state = writer.load_state(page)
        i = next(k for k, a in enumerate(state.articles) if a.ref == article.pk)
        target = state.articles[i]
        # Only what the admin changed: a field left as shown is never written back.
        changed = [name for name in form.changed_data if name != "version"]
        data = form.cleaned_data
        for name in ("section", "kicker", "headline", "subheadline", "byline_text", "source", "continued"):
            if name in changed:
                setattr(target, name, data[name])
        if "byline" in changed:
            target.byline = list(data["byline"] or [])
        if "body" in changed:
            paragraphs = [p for p in data["body"].split("\n") if p.strip()]
            target.blocks = _retexted(target.blocks, parsed.BlockKind.PARAGRAPH, paragraphs)
        if "intertitles" in changed:
            target.blocks = _retexted(target.blocks, parsed.BlockKind.INTERTITLE, data["intertitles"])
        labels = [form.fields[name].label for name in changed]
        for formset in formsets:
            formset.save(commit=False)  # saves nothing: lists the changes for the admin's log
            if not formset.has_changed():
                continue
            if formset.model is Caption:
                for caption_form in formset.forms:
                    position = caption_form.instance.position
                    if caption_form.has_changed() and position < len(target.captions):
                        caption = target.captions[position]
                        for name in {"text", "credit", "credit_text"} & set(caption_form.changed_data):
                            setattr(caption, name, caption_form.cleaned_data[name])
                        if "credit" in caption_form.changed_data and "credit_text" not in caption_form.changed_data:
                            # A credit corrected by hand is shown as typed (with 摄), as on the
                            # correction page (ingest.corrections.edit_fields).
                            caption.credit_text = ""
                labels.append(corrections.FIELD_LABELS["captions"])
            elif formset.model is ArticleCounty:
                tags = [
                    f.cleaned_data
                    for f in formset.forms
                    if f.cleaned_data and not f.cleaned_data.get("DELETE") and f.cleaned_data.get("county")
                ]
                tags.sort(key=lambda d: not d.get("primary"))  # the primary county first
                target.counties = [
                    parsed.County(c.code, c.name, c.short_name, c.prefecture, c.province)
                    for c in dict.fromkeys(d["county"] for d in tags)
                ]
                labels.append(corrections.FIELD_LABELS["counties"])
        if state == before:
            return  # the form saved as it was shown: no revision, no rewrite
        summary = _summary(before, i, labels)
        writer.apply_state(page, state, user=request.user, action=writer.Action.EDIT, summary=summary)


def _summary(state: parsed.Page, i: int, labels: list) -> str:
    """The revision's summary, in Chinese like every other (articles/revision_text.py translates
    it where it is shown): 后台编辑第3篇《标题》：标题、署名原文 — the fields by their labels."""
    headline = state.articles[i].headline
    title = f"第{i + 1}篇《{headline}》" if headline else f"第{i + 1}篇"
    with translation.override("zh-hans"):  # the labels are lazy: stored in Chinese whoever saves
        names = "、".join(dict.fromkeys(str(label) for label in labels))
    return f"后台编辑{title}：{names}"


def _retexted(blocks: list[parsed.Block], kind: parsed.BlockKind, texts: list[str]) -> list[parsed.Block]:
    """The article's print order with the blocks of ``kind`` (paragraphs or intertitles) given
    ``texts``, the admin's list of them. The lists are matched as sequences, not position by
    position, so that one removed or added item does not shift every later one into another
    block's place: a kept text stays where it was, a changed one takes its block's place, a
    removed one goes, and an added one comes right after the block of that kind before it in the
    list (before the first one, or at the end when there is none)."""
    slots = [k for k, block in enumerate(blocks) if block.kind == kind]
    new: dict[int, list[parsed.Block]] = {}  # index in blocks → what takes that block's place
    first: list[parsed.Block] = []  # added before the first block of the kind
    matcher = SequenceMatcher(None, [blocks[k].text for k in slots], texts, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        paired = min(i2 - i1, j2 - j1)
        for n in range(i1, i2):
            new[slots[n]] = [parsed.Block(kind, texts[j1 + n - i1])] if n - i1 < paired else []
        added = [parsed.Block(kind, text) for text in texts[j1 + paired : j2]]
        if not added:
            continue
        if i1 + paired > 0:
            k = slots[i1 + paired - 1]
            new.setdefault(k, [blocks[k]]).extend(added)
        else:
            first.extend(added)
    if first and not slots:
        return [*blocks, *first]
    out: list[parsed.Block] = []
    for k, block in enumerate(blocks):
        if slots and k == slots[0]:
            out.extend(first)
        out.extend(new.get(k, [block]))
    return out


class PageAdminForm(_Versioned):
    paper = forms.ModelChoiceField(Newspaper.objects.all(), label=_("报纸"))
    # The archive's range of issue dates, as on the editor's page form (articles/forms.py).
    date = forms.DateField(label=_("日期"), required=False, help_text=_("留空：日期不详"), validators=[validate_issue_date])
    # A publish or withdraw is no revision: the status the form was made from is carried beside
    # the version, so that a form opened before an editor withdrew the page is refused too.
    seen_status = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Page
        fields = ["paper", "date", "label", "status"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["label"].validators.append(one_line("label"))
        if self.instance.pk:
            self.fields["paper"].initial = self.instance.issue.newspaper_id
            self.fields["date"].initial = self.instance.issue.date
            self.fields["seen_status"].initial = self.instance.status
            if self.instance.published_at is not None and self.instance.status != Page.Status.DRAFT:
                # A page once published is withdrawn, never made a draft again: a draft may be
                # discarded, history and all (writer.set_status refuses it too).
                self.fields["status"].choices = [c for c in Page.Status.choices if c[0] != Page.Status.DRAFT]

    def _page_id(self) -> int:
        return self.instance.pk

    def _stale(self, latest: int, seen: int) -> str:
        return _(
            "这个版面在你打开表单之后被改过（现在是版本 %(latest)s，你打开的是版本 %(seen)s）："
            "你的修改没有保存。请重新打开这个版面，在最新的内容上再改。"
        ) % {"latest": latest, "seen": seen}

    def clean(self) -> dict:
        data = super().clean()
        page = self.check_version()
        seen = self.data.get(self.add_prefix("seen_status"))
        if page is not None and seen is not None and seen != page.status:
            statuses = dict(Page.Status.choices)
            raise forms.ValidationError(
                _(
                    "这个版面的状态在你打开表单之后被改过（现在是“%(now)s”，你打开时是“%(seen)s”）："
                    "你的修改没有保存。请重新打开这个版面再改。"
                ) % {"now": statuses[page.status], "seen": statuses.get(seen, seen)},
                code="stale",
            )
        # Only a move is checked: a page kept beside another on purpose (keep both) must still
        # take a change of its status alone.
        moved = {"paper", "date", "label"} & set(self.changed_data)
        if self.instance.pk and moved and "paper" in data and "date" in data and "label" in data:
            holder = writer.slot_taken(self.instance, data["paper"], data["date"], self.instance.issue.edition, data["label"])
            if holder is not None:
                raise forms.ValidationError(_("同一报纸、日期和版次已有一个版面（第 %(pk)s 号）。") % {"pk": holder.pk})
        publishing = "status" in self.changed_data and data.get("status") == Page.Status.PUBLISHED
        if self.instance.pk and publishing and not moved:
            # As the preview page and the API: never a silent second copy of a page in its place.
            shown = writer.other_pages_in_slot(self.instance).filter(status=Page.Status.PUBLISHED).order_by("pk").first()
            if shown is not None:
                # A withdrawn page replaces nothing (a replace uses a draft up): its preview
                # offers keep both alone, and the message must not send the admin to look for more.
                if self.instance.discardable:
                    message = _(
                        "同一报纸、日期和版次已有一个已发布的版面（第 %(pk)s 号）：没有发布。"
                        "请在这个版面的预览页选择替换原版面，或两者都保留。"
                    )
                else:
                    message = _(
                        "同一报纸、日期和版次已有一个已发布的版面（第 %(pk)s 号）：没有发布。"
                        "请在这个版面的预览页选择“两者都保留，再次发布”。"
                    )
                raise forms.ValidationError(message % {"pk": shown.pk}, code="same_slot")
        return data


class RevisionInline(admin.TabularInline):
    model = PageRevision
    extra = 0
    fields = ["number", "parent", "created_at", "user", "action", "summary"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def get_queryset(self, request: HttpRequest):
        # Each revision's state is the page's whole split (megabytes for a long page): not shown.
        return super().get_queryset(request).select_related("user").defer("state", "raw_text")

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Page)
class PageAdmin(admin.ModelAdmin):
    form = PageAdminForm
    list_display = ["__str__", "status", "source_name", "uploaded_by", "ingested_at", "published_at"]
    list_filter = ["status", "issue__newspaper"]
    list_select_related = ["issue__newspaper", "uploaded_by"]
    search_fields = ["source_name", "sha256"]
    readonly_fields = [
        "number", "source_name", "sha256", "content_key", "uploaded_by", "ingested_at", "published_at",
        "source_text", "furniture",
    ]
    inlines = [RevisionInline]

    @admin.display(description=_("原文"))
    def source_text(self, page: Page) -> str:
        """The file's first lines (a 100,000-line file was 3 MB of form); the page view shows it all."""
        lines = page.raw_text.split("\n")
        shown = "\n".join(lines[:ADMIN_SOURCE_LINES])
        if len(lines) <= ADMIN_SOURCE_LINES:
            return shown
        rest = _("…（共 %(n)s 行，这里只列出前 %(shown)s 行：全文见版面页）") % {"n": len(lines), "shown": ADMIN_SOURCE_LINES}
        return f"{shown}\n{rest}"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # pages come from files: the upload page or manage.py ingest

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        # A published page is withdrawn (its status), never lost; a draft is discarded on the
        # editors' pages (writer.discard, with its articles, history and emptied issue): one
        # way to delete a page.
        return False

    def save_model(self, request, obj, form, change) -> None:
        # Only the fields the admin changed (the form's version check made sure they were
        # changed from the page as it is): a status left as shown is never written back.
        data, changed = form.cleaned_data, set(form.changed_data)
        old = Page.objects.select_related("issue").get(pk=obj.pk)
        moved = {name: data[name] for name in ("paper", "date", "label") if name in changed}
        if moved:
            old = writer.update_page_meta(old, **moved, user=request.user)
        if "status" in changed and data["status"] != old.status:
            writer.set_status(old, data["status"], request.user)
        obj.refresh_from_db()


@admin.register(Issue)
class IssueAdmin(admin.ModelAdmin):
    list_display = ["__str__", "newspaper", "date", "edition"]
    list_filter = ["newspaper"]
    # A page moves between issues through its own form (writer.update_page_meta: recorded,
    # undoable, the caches cleared); an issue's edition is part of every page's place.
    readonly_fields = ["newspaper", "date", "edition"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


def _listing(request: HttpRequest) -> bool:
    """Whether the admin is making a change list (rows shown as a table), not one object's page."""
    match = request.resolver_match
    return match is not None and match.url_name is not None and match.url_name.endswith("_changelist")


@admin.register(PageRevision)
class PageRevisionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "page", "number", "action", "user", "created_at"]
    list_filter = ["action"]
    list_select_related = ["page__issue__newspaper", "user"]

    def get_queryset(self, request: HttpRequest):
        # The list shows none of a revision's state (a page's whole split: megabytes for a long
        # page) nor its page's text: not read for a hundred rows.
        queryset = super().get_queryset(request)
        return queryset.defer("state", "page__raw_text", "page__furniture") if _listing(request) else queryset

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class _ShownToReaders(admin.ModelAdmin):
    """A model whose rows readers see on kept pages (a paper's name in every page, the export
    list's links; a county's name): a save or delete here clears the writer's caches when it
    commits, as a write through articles/writer.py does."""

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        transaction.on_commit(writer.clear_caches)

    def delete_model(self, request, obj) -> None:
        super().delete_model(request, obj)
        transaction.on_commit(writer.clear_caches)

    def delete_queryset(self, request, queryset) -> None:
        super().delete_queryset(request, queryset)
        transaction.on_commit(writer.clear_caches)


class NewspaperAdminForm(forms.ModelForm):
    """A paper renamed here is held to the rule of every other way in (uploads, the API, the
    preview's form, a manifest): one line of text, no invisible characters — else a twin paper
    that looks the same would split an archive's issues."""

    class Meta:
        model = Newspaper
        fields = ["name", "prefecture_code"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].validators.append(one_line("paper"))


@admin.register(Newspaper)
class NewspaperAdmin(_ShownToReaders):
    form = NewspaperAdminForm
    list_display = ["name", "prefecture_code"]
    search_fields = ["name"]


@admin.register(County)
class CountyAdmin(_ShownToReaders):
    list_display = ["code", "name", "prefecture", "province"]
    search_fields = ["code", "name", "short_name"]

    # The county tallies count stories per prefecture and province by name (CountyTally): a
    # county moved to another, or gone, changes them without any article being written, so they
    # are counted again (seconds at a million stories; an admin's rare act).
    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if change and {"prefecture", "province"} & set(form.changed_data):
            CountyTally.objects.rebuild()

    def delete_model(self, request, obj) -> None:
        super().delete_model(request, obj)
        CountyTally.objects.rebuild()

    def delete_queryset(self, request, queryset) -> None:
        super().delete_queryset(request, queryset)
        CountyTally.objects.rebuild()


# The admin under the archive's name, not Django's ("Django 管理").
admin.site.site_title = _("地方报纸档案")
admin.site.site_header = _("地方报纸档案 · 管理")


# -- accounts ----------------------------------------------------------------------------------
# Admins manage accounts (roles.ADMIN_PERMISSIONS): they give people the editor's or the admin's
# role (the groups). The roles' own permissions are kept by roles.sync_roles, and only a
# superuser may make another: without these limits an admin could tick 超级用户 on their own
# account, or widen a role's permissions, and take rights the roles deliberately leave out (the
# counties' table, for one).
admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class ArchiveUserAdmin(UserAdmin):
    _ONLY_SUPERUSERS = ("is_superuser", "user_permissions")

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return fields if request.user.is_superuser else [*fields, *self._ONLY_SUPERUSERS]

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        # A superuser's account (its password, its roles) is a superuser's to change.
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Group)
class RoleAdmin(GroupAdmin):
    """The roles: shown to admins, changed by superusers only (and by roles.sync_roles)."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_superuser


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """The scripts' API keys (only their hashes are kept): seen, and revoked by deleting one;
    made by ``manage.py apitoken``, which shows a key once."""

    list_display = ["user", "created_at", "expires", "last_used_at"]
    list_select_related = ["user"]
    fields = ["user", "created_at", "expires", "last_used_at"]
    readonly_fields = fields
    actions = None  # one key at a time: a superuser's is a superuser's to revoke

    @admin.display(description=_("到期"))
    def expires(self, token: ApiToken) -> str:
        expires_at = token.expires_at
        if expires_at is None:
            return _("永不")
        day = timezone.localtime(expires_at).date().isoformat()
        return _("%(date)s（已过期）") % {"date": day} if token.expired(timezone.now()) else day

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        if obj is not None and obj.user.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)
