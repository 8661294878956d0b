"""The optional language model of the outline drafter: one small adapter for an OpenAI-compatible
chat-completions endpoint (a local vLLM / llama.cpp / Ollama server, or a hosted one).

Off by default: `writer()` is None unless `PRESALES_OUTLINE_LLM_URL` is set, and the drafter then
works fully offline (knowledge.outline). When set, the drafter asks the model once per draft for a
short introduction of each section, given the section's guidance, the requirement items it
answers and the titles of the passages it reuses; the items and the cited passages themselves are
never rewritten by the model. Any failure (network, timeout, an answer that is not the expected
JSON) raises `ModelUnavailable`; the drafter then keeps the offline draft and says so.

Settings: PRESALES_OUTLINE_LLM_URL (base URL, e.g. http://127.0.0.1:8080/v1), _MODEL, _API_KEY,
_TIMEOUT (seconds, default 30).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass

from django.conf import settings

MAX_INTRODUCTION = 800


class ModelUnavailable(Exception):
    """The language model did not give a usable answer."""


@dataclass
class OpenAICompatibleWriter:
    url: str
    model: str = ""
    api_key: str = ""
    timeout: float = 30

    def _ask(self, messages: list[dict]) -> str:
        endpoint = self.url.rstrip("/") + "/chat/completions"
        if not endpoint.startswith(("http://", "https://")):
            raise ModelUnavailable("the endpoint is not an http(s) URL")
        payload = {"model": self.model, "messages": messages, "temperature": 0, "stream": False,
                   "response_format": {"type": "json_object"}}
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        request = urllib.request.Request(endpoint, data=json.dumps(payload).encode(), headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - http(s) only
                answer = json.loads(response.read().decode("utf-8"))
            return answer["choices"][0]["message"]["content"]
        except (urllib.error.URLError, TimeoutError, OSError, ValueError, KeyError, IndexError, TypeError) as exc:
            raise ModelUnavailable(str(exc)) from exc

    def introductions(self, *, opportunity: str, customer: str, sections: list[dict]) -> dict[str, str]:
        """{section code: introduction} for `sections` ([{code, title, guidance, requirements:
        [lines], sources: [titles]}]). Unknown codes and non-text values are dropped."""
        system = (
            "你是售前解决方案工程师。根据给出的方案章节、章节指引、本章节对应的客户需求条目和可复用资料标题，"
            "为每个章节写一段不超过150字的中文引言，说明本章节如何回应这些需求。不要编造数字或客户没有提出的需求。"
            "只输出一个JSON对象：键是章节代码，值是引言文本。"
        )
        user = json.dumps({"opportunity": opportunity, "customer": customer, "sections": sections},
                          ensure_ascii=False)
        content = self._ask([{"role": "system", "content": system}, {"role": "user", "content": user}])
        try:
            data = json.loads(content)
        except (TypeError, ValueError) as exc:
            raise ModelUnavailable("the answer is not JSON") from exc
        if not isinstance(data, dict):
            raise ModelUnavailable("the answer is not a JSON object")
        codes = {s["code"] for s in sections}
        return {
            code: " ".join(text.split())[:MAX_INTRODUCTION]
            for code, text in data.items()
            if code in codes and isinstance(text, str) and text.strip()
        }


def writer() -> OpenAICompatibleWriter | None:
    """The configured model, or None (the default: offline drafting only)."""
    url = (getattr(settings, "PRESALES_OUTLINE_LLM_URL", "") or "").strip()
    if not url:
        return None
    return OpenAICompatibleWriter(
        url=url,
        model=getattr(settings, "PRESALES_OUTLINE_LLM_MODEL", "") or "",
        api_key=getattr(settings, "PRESALES_OUTLINE_LLM_API_KEY", "") or "",
        timeout=float(getattr(settings, "PRESALES_OUTLINE_LLM_TIMEOUT", 30) or 30),
    )
