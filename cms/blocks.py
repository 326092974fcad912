"""The small set of StreamField blocks every page body is built from.

Kept deliberately short: editors get a handful of blocks that all render well on a phone,
rather than a layout toolkit.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock

from cms.choices import LegalAidTopic
from legalaid.selectors import stations_by_district


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Text"), max_length=120)
    level = blocks.ChoiceBlock(
        label=_("Level"),
        choices=[("h2", _("Section heading")), ("h3", _("Sub-heading"))],
        default="h2",
    )

    class Meta:
        icon = "title"
        label = _("Heading")
        template = "cms/blocks/heading.html"


class CaptionedImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    alt = blocks.CharBlock(
        label=_("Alternative text"),
        required=False,
        max_length=200,
        help_text=_("Describe the image for screen readers; leave empty if it is decorative."),
    )
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=250)

    class Meta:
        icon = "image"
        label = _("Image with caption")
        template = "cms/blocks/image.html"


class CallToActionBlock(blocks.StructBlock):
    label = blocks.CharBlock(label=_("Button text"), max_length=60)
    page = blocks.PageChooserBlock(label=_("Page"), required=False)
    url = blocks.CharBlock(
        label=_("Or a link"),
        required=False,
        max_length=300,
        help_text=_("A path on this site such as /legal-aid/ or a full https:// address."),
    )
    style = blocks.ChoiceBlock(
        label=_("Style"),
        choices=[("primary", _("Primary")), ("secondary", _("Secondary"))],
        default="primary",
    )

    class Meta:
        icon = "link"
        label = _("Call-to-action button")
        template = "cms/blocks/cta.html"


class FAQItemBlock(blocks.StructBlock):
    question = blocks.CharBlock(label=_("Question"), max_length=200)
    answer = blocks.RichTextBlock(label=_("Answer"), features=["bold", "italic", "link", "ul"])


class FAQBlock(blocks.StructBlock):
    """Questions and answers as <details>: they open and close without JavaScript."""

    title = blocks.CharBlock(label=_("Title"), required=False, max_length=120)
    items = blocks.ListBlock(FAQItemBlock(), label=_("Questions"))

    class Meta:
        icon = "help"
        label = _("FAQ")
        template = "cms/blocks/faq.html"


class QRJoinCardBlock(blocks.StructBlock):
    """A union's join QR code, served by the membership API as SVG."""

    union_id = blocks.IntegerBlock(label=_("Union ID"), min_value=1)
    title = blocks.CharBlock(label=_("Title"), required=False, max_length=120)
    text = blocks.TextBlock(label=_("Text"), required=False, max_length=400)

    class Meta:
        icon = "mobile-alt"
        label = _("QR join card")
        template = "cms/blocks/qr_join.html"


class StationListBlock(blocks.StructBlock):
    """The rest and legal-aid stations of one district (or all of them)."""

    title = blocks.CharBlock(label=_("Title"), required=False, max_length=120)
    district = blocks.CharBlock(
        label=_("District"),
        required=False,
        max_length=100,
        help_text=_("Leave empty to list every station."),
    )

    class Meta:
        icon = "site"
        label = _("Station list")
        template = "cms/blocks/station_list.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["districts"] = stations_by_district(district=value.get("district") or "")
        return context


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("Quote"), max_length=600)
    attribution = blocks.CharBlock(label=_("Who said it"), required=False, max_length=120)

    class Meta:
        icon = "openquote"
        label = _("Quote")
        template = "cms/blocks/quote.html"


class TableBlock(blocks.StructBlock):
    """A simple table: rows of text cells, the first row optionally a header."""

    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=200)
    first_row_is_header = blocks.BooleanBlock(
        label=_("First row is a header"), required=False, default=True
    )
    rows = blocks.ListBlock(
        blocks.ListBlock(blocks.CharBlock(label=_("Cell"), required=False, max_length=200)),
        label=_("Rows"),
    )

    class Meta:
        icon = "table"
        label = _("Table")
        template = "cms/blocks/table.html"


class BookConsultationBlock(blocks.StructBlock):
    """A button to the legal-aid booking page with a topic chosen in advance."""

    label = blocks.CharBlock(label=_("Button text"), required=False, max_length=80)
    topic = blocks.ChoiceBlock(label=_("Topic"), choices=LegalAidTopic.choices)

    class Meta:
        icon = "date"
        label = _("Book a consultation button")
        template = "cms/blocks/book_consultation.html"


class BodyBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        label=_("Rich text"),
        features=["h3", "bold", "italic", "link", "ol", "ul", "document-link"],
        template="cms/blocks/paragraph.html",
    )
    image = CaptionedImageBlock()
    cta = CallToActionBlock()
    faq = FAQBlock()
    qr_join = QRJoinCardBlock()
    stations = StationListBlock()
    quote = QuoteBlock()
    table = TableBlock()
    book_consultation = BookConsultationBlock()
