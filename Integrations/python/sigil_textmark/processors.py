"""Logits processors for Hugging Face transformers and vLLM, duck-typed over torch tensors and numpy arrays.

Neither framework is imported here: a tensor is recognised by its `.detach` method, converted with
`.detach().float().cpu().numpy()` and returned with `torch.from_numpy(...)` on the input's device and dtype.
"""
import numpy as np


def _to_numpy(value, dtype):
    if hasattr(value, "detach"):
        tensor = value.detach()
        if dtype == np.float32 and hasattr(tensor, "float"):
            tensor = tensor.float()  # bfloat16/float16 have no numpy equivalent
        value = tensor.cpu().numpy()
    return np.ascontiguousarray(value, dtype=dtype)


def _like(array, reference):
    """`array` as the same kind of object as `reference` (a torch tensor on its device and dtype, or numpy)."""
    if hasattr(reference, "detach"):
        import torch  # present whenever the reference is a torch tensor

        return torch.from_numpy(array).to(device=reference.device, dtype=reference.dtype)
    return array


class SigilLogitsProcessor:
    """A Hugging Face `transformers` logits processor that replaces the scores with the marked distribution's
    log-probabilities, so `generate`'s own multinomial sampling draws marked tokens.

    Put it last, and let it own the temperature:

        model.generate(**inputs, do_sample=True, temperature=1.0, top_k=0, top_p=1.0,
                       logits_processor=LogitsProcessorList([SigilLogitsProcessor(textmark, temperature=0.8)]))

    `temperature=1.0` in `generate` because this processor already applies its own; top-k/top-p left off so nothing
    reshapes the marked distribution after it (a top-k applied before it only truncates the model's distribution).
    `input_ids` (B x T, prompt + generated) are the contexts.
    """

    def __init__(self, textmark, temperature: float = 1.0):
        self.textmark = textmark
        self.temperature = float(temperature)

    def __call__(self, input_ids, scores):
        contexts = _to_numpy(input_ids, np.int64)
        logprobs = self.textmark.process(contexts, _to_numpy(scores, np.float32), self.temperature)
        return _like(logprobs, scores)


class VLLMLogitsProcessor:
    """A vLLM per-request logits processor (`SamplingParams(logits_processors=[...])`, the V0 engine's interface):
    returns the marked distribution's log-probabilities for one sequence.

    vLLM passes `(prompt_token_ids, output_token_ids, logits)` to callables with three parameters, so the context is
    prompt + output ids; called with two arguments `(output_token_ids, logits)` the context is the output ids alone.
    Use `temperature=1.0, top_p=1.0, top_k=-1` in SamplingParams: this processor applies its own temperature.
    """

    def __init__(self, textmark, temperature: float = 1.0):
        self.textmark = textmark
        self.temperature = float(temperature)

    def __call__(self, prompt_token_ids, output_token_ids, logits=None):
        if logits is None:
            prompt_token_ids, output_token_ids, logits = (), prompt_token_ids, output_token_ids
        context = list(prompt_token_ids) + list(output_token_ids)
        logprobs = self.textmark.process(context, _to_numpy(logits, np.float32), self.temperature)
        return _like(logprobs, logits)
