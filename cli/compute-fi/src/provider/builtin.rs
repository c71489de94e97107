//! The built-in backend: a quantised GGUF model of the llama family run on CPU in process
//! by candle, with its Hugging Face tokenizer. Decoding is greedy (the most likely token
//! each step, no sampling), so the same model file, tokenizer, binary and settings give
//! the same bytes on the same machine; across CPUs, float reductions may order
//! differently and a near-tie between two tokens can then resolve differently.
//!
//! `write_tiny_llama` makes a tiny model with random weights and a word-level tokenizer,
//! written with the same library that loads them: the tests' model, and a smoke test for
//! anyone's setup.

use std::{path::Path, sync::Mutex};

use candle_core::{
    quantized::{gguf_file, GgmlDType, QTensor},
    Device, Tensor, D,
};
use candle_transformers::models::quantized_llama::ModelWeights;
use tokenizers::Tokenizer;

/// A loaded model; one run at a time (its key-value cache is per run).
pub struct Builtin {
    model: Mutex<ModelWeights>,
    tokenizer: Tokenizer,
    eos: Option<u32>,
    /// The longest prompt taken, in tokens: attention memory grows with its square.
    max_prompt_tokens: usize,
}

/// The default longest prompt, in tokens.
pub const DEFAULT_MAX_PROMPT_TOKENS: usize = 1_024;

/// A run's text and the tokens in and out.
#[derive(Debug, Clone, PartialEq)]
pub struct Generated {
    pub text: String,
    pub tokens_in: u64,
    pub tokens_out: u64,
}

fn e(what: &str) -> impl Fn(candle_core::Error) -> String + '_ {
    move |err| format!("{what}: {err}")
}

impl Builtin {
    pub fn load(model: &Path, tokenizer: &Path) -> Result<Self, String> {
        let mut file = std::fs::File::open(model)
            .map_err(|err| format!("cannot open the model {}: {err}", model.display()))?;
        let content = gguf_file::Content::read(&mut file)
            .map_err(|err| format!("{} is not a GGUF file: {err}", model.display()))?;
        let weights = ModelWeights::from_gguf(content, &mut file, &Device::Cpu).map_err(|err| {
            format!("{} is not a llama-family GGUF model: {err}", model.display())
        })?;
        let tokenizer = Tokenizer::from_file(tokenizer)
            .map_err(|err| format!("cannot read the tokenizer {}: {err}", tokenizer.display()))?;
        let eos = tokenizer.token_to_id("</s>");
        Ok(Self {
            model: Mutex::new(weights),
            tokenizer,
            eos,
            max_prompt_tokens: DEFAULT_MAX_PROMPT_TOKENS,
        })
    }

    /// The same model taking prompts of at most `tokens`.
    pub fn with_max_prompt_tokens(mut self, tokens: usize) -> Self {
        self.max_prompt_tokens = tokens;
        self
    }

    /// Generates only if no other run holds the model now (None: busy); for callers that
    /// must not queue, such as the public completions endpoint.
    pub fn try_generate(
        &self,
        prompt: &str,
        max_tokens: usize,
    ) -> Option<Result<Generated, String>> {
        let model = self.model.try_lock().ok()?;
        Some(self.run(model, prompt, max_tokens))
    }

    /// Greedy decoding of up to `max_tokens` after `prompt` (waits for the model).
    pub fn generate(&self, prompt: &str, max_tokens: usize) -> Result<Generated, String> {
        let model = self.model.lock().unwrap_or_else(|p| p.into_inner());
        self.run(model, prompt, max_tokens)
    }

    fn run(
        &self,
        mut model: std::sync::MutexGuard<'_, ModelWeights>,
        prompt: &str,
        max_tokens: usize,
    ) -> Result<Generated, String> {
        let ids = self
            .tokenizer
            .encode(prompt, true)
            .map_err(|err| format!("cannot tokenize the input: {err}"))?
            .get_ids()
            .to_vec();
        if ids.is_empty() {
            return Err("the input has no tokens".into());
        }
        if ids.len() > self.max_prompt_tokens {
            return Err(format!(
                "the input has {} tokens, more than the {} this model takes",
                ids.len(),
                self.max_prompt_tokens
            ));
        }
        if ids.len() + max_tokens > candle_transformers::models::quantized_llama::MAX_SEQ_LEN {
            return Err(format!(
                "the input ({} tokens) and max_tokens exceed the context",
                ids.len()
            ));
        }
        let mut out: Vec<u32> = Vec::new();
        let mut input = ids.clone();
        let mut pos = 0;
        for _ in 0..max_tokens {
            let x = Tensor::new(input.as_slice(), &Device::Cpu)
                .and_then(|t| t.unsqueeze(0))
                .map_err(e("input tensor"))?;
            let logits = model.forward(&x, pos).map_err(e("forward"))?;
            let next = logits
                .squeeze(0)
                .and_then(|l| l.argmax(D::Minus1))
                .and_then(|t| t.to_scalar::<u32>())
                .map_err(e("argmax"))?;
            pos += input.len();
            if Some(next) == self.eos {
                break;
            }
            out.push(next);
            input = vec![next];
        }
        let text =
            self.tokenizer.decode(&out, true).map_err(|err| format!("cannot decode: {err}"))?;
        Ok(Generated { text, tokens_in: ids.len() as u64, tokens_out: out.len() as u64 })
    }
}

/// The tiny model's vocabulary (after `<unk>` and `</s>`).
pub const TINY_WORDS: [&str; 62] = [
    "the", "a", "of", "and", "to", "in", "is", "it", "you", "that", "he", "was", "for", "on",
    "are", "with", "as", "i", "his", "they", "be", "at", "one", "have", "this", "from", "or",
    "had", "by", "hot", "word", "but", "what", "some", "we", "can", "out", "other", "were", "all",
    "there", "when", "up", "use", "your", "how", "said", "an", "each", "she", "which", "do",
    "their", "time", "if", "will", "way", "about", "many", "then", "them", "write",
];

/// Writes a tiny llama-family model (2 layers, width 64, 4 heads, vocabulary 64, Q8_0)
/// with weights drawn from `seed`, and its word-level tokenizer. Returns their paths.
pub fn write_tiny_llama(
    dir: &Path,
    seed: u64,
) -> Result<(std::path::PathBuf, std::path::PathBuf), String> {
    const DIM: usize = 64;
    const HEADS: usize = 4;
    const LAYERS: usize = 2;
    const FFN: usize = 128;
    const VOCAB: usize = TINY_WORDS.len() + 2;
    std::fs::create_dir_all(dir)
        .map_err(|err| format!("cannot create {}: {err}", dir.display()))?;
    // A fixed generator (xorshift64*): the same seed, the same file, on any machine.
    let mut state = seed.max(1);
    let mut draw = |n: usize| -> Vec<f32> {
        (0..n)
            .map(|_| {
                state ^= state >> 12;
                state ^= state << 25;
                state ^= state >> 27;
                let r = state.wrapping_mul(0x2545_f491_4f6c_dd1d);
                ((r >> 40) as f32 / (1u64 << 24) as f32 - 0.5) * 0.4
            })
            .collect()
    };
    let mut tensor = |rows: usize, cols: usize, dtype: GgmlDType| -> Result<QTensor, String> {
        let t =
            Tensor::from_vec(draw(rows * cols), (rows, cols), &Device::Cpu).map_err(e("tensor"))?;
        QTensor::quantize(&t, dtype).map_err(e("quantize"))
    };
    let ones = || -> Result<QTensor, String> {
        let t = Tensor::ones(DIM, candle_core::DType::F32, &Device::Cpu).map_err(e("norm"))?;
        QTensor::quantize(&t, GgmlDType::F32).map_err(e("norm"))
    };
    let mut tensors: Vec<(String, QTensor)> = vec![
        ("token_embd.weight".into(), tensor(VOCAB, DIM, GgmlDType::Q8_0)?),
        ("output_norm.weight".into(), ones()?),
        ("output.weight".into(), tensor(VOCAB, DIM, GgmlDType::Q8_0)?),
    ];
    for l in 0..LAYERS {
        let p = format!("blk.{l}");
        for (name, rows, cols) in [
            ("attn_q", DIM, DIM),
            ("attn_k", DIM, DIM),
            ("attn_v", DIM, DIM),
            ("attn_output", DIM, DIM),
            ("ffn_gate", FFN, DIM),
            ("ffn_up", FFN, DIM),
            ("ffn_down", DIM, FFN),
        ] {
            tensors.push((format!("{p}.{name}.weight"), tensor(rows, cols, GgmlDType::Q8_0)?));
        }
        tensors.push((format!("{p}.attn_norm.weight"), ones()?));
        tensors.push((format!("{p}.ffn_norm.weight"), ones()?));
    }
    use gguf_file::Value;
    let metadata: Vec<(&str, Value)> = vec![
        ("general.architecture", Value::String("llama".into())),
        ("general.name", Value::String("compute-fi tiny llama".into())),
        ("llama.attention.head_count", Value::U32(HEADS as u32)),
        ("llama.attention.head_count_kv", Value::U32(HEADS as u32)),
        ("llama.block_count", Value::U32(LAYERS as u32)),
        ("llama.embedding_length", Value::U32(DIM as u32)),
        ("llama.feed_forward_length", Value::U32(FFN as u32)),
        ("llama.rope.dimension_count", Value::U32((DIM / HEADS) as u32)),
        ("llama.attention.layer_norm_rms_epsilon", Value::F32(1e-5)),
        ("llama.context_length", Value::U32(512)),
    ];
    let model = dir.join("tiny-llama.gguf");
    let mut file = std::fs::File::create(&model)
        .map_err(|err| format!("cannot create {}: {err}", model.display()))?;
    let md: Vec<(&str, &Value)> = metadata.iter().map(|(k, v)| (*k, v)).collect();
    let ts: Vec<(&str, &QTensor)> = tensors.iter().map(|(k, v)| (k.as_str(), v)).collect();
    gguf_file::write(&mut file, &md, &ts).map_err(e("writing the GGUF file"))?;

    let mut vocab = std::collections::HashMap::new();
    vocab.insert("<unk>".to_string(), 0u32);
    vocab.insert("</s>".to_string(), 1u32);
    for (i, w) in TINY_WORDS.iter().enumerate() {
        vocab.insert((*w).to_string(), i as u32 + 2);
    }
    let wl = tokenizers::models::wordlevel::WordLevel::builder()
        .vocab(vocab.into_iter().collect())
        .unk_token("<unk>".into())
        .build()
        .map_err(|err| format!("tokenizer model: {err}"))?;
    let mut tokenizer = Tokenizer::new(wl);
    tokenizer.with_pre_tokenizer(Some(tokenizers::pre_tokenizers::whitespace::Whitespace {}));
    let tok = dir.join("tokenizer.json");
    tokenizer.save(&tok, false).map_err(|err| format!("cannot write {}: {err}", tok.display()))?;
    Ok((model, tok))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tiny_model_written_here_loads_and_decodes_the_same_bytes_twice() {
        let dir = std::env::temp_dir().join(format!("cf-tiny-{}", std::process::id()));
        let (model, tok) = write_tiny_llama(&dir, 7).unwrap();
        let b = Builtin::load(&model, &tok).unwrap();
        let a = b.generate("what is the way to write", 12).unwrap();
        assert_eq!(a.tokens_in, 6);
        assert!(a.tokens_out > 0 && a.tokens_out <= 12);
        assert!(a.text.split_whitespace().all(|w| TINY_WORDS.contains(&w)), "{a:?}");
        assert_eq!(
            b.generate("what is the way to write", 12).unwrap(),
            a,
            "greedy: the same bytes"
        );
        // The same seed writes the same file; another seed, another model.
        let again = std::fs::read(&model).unwrap();
        let (model2, _) = write_tiny_llama(&dir.join("again"), 7).unwrap();
        assert_eq!(std::fs::read(model2).unwrap(), again);
        assert!(Builtin::load(&tok, &tok).is_err(), "not a GGUF file");
        // A prompt over the limit is refused before any work.
        let small = Builtin::load(&model, &tok).unwrap().with_max_prompt_tokens(4);
        let e = small.generate("what is the way to write", 1).unwrap_err();
        assert!(e.contains("more than the 4"), "{e}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
