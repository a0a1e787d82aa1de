"""Runs the real pycocotools COCOeval (bbox) on cases written by pycocotools-compare.ts.

Usage: python pycocotools-oracle.py CASE_DIR...   (each holds gt.json, dt.json, options.json)
Writes CASE_DIR/expected.json: stats, precision, recall, perCategory and the printed summary lines.
Needs pycocotools and numpy; the project itself never calls Python.
"""
import contextlib
import io
import json
import sys

import numpy as np
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval


def run(case_dir):
    with open(f'{case_dir}/options.json') as f:
        options = json.load(f)
    with contextlib.redirect_stdout(io.StringIO()):
        gt = COCO(f'{case_dir}/gt.json')
        dt = gt.loadRes(f'{case_dir}/dt.json')
        ev = COCOeval(gt, dt, 'bbox')
        if 'maxDets' in options:
            ev.params.maxDets = options['maxDets']
        if 'iouThresholds' in options:
            ev.params.iouThrs = np.array(options['iouThresholds'])
        if 'useCats' in options:
            ev.params.useCats = 1 if options['useCats'] else 0
        if 'areaRanges' in options:
            ev.params.areaRng = [[r['min'], r['max']] for r in options['areaRanges']]
            ev.params.areaRngLbl = [r['label'] for r in options['areaRanges']]
        ev.evaluate()
        ev.accumulate()
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        ev.summarize()
    precision = ev.eval['precision']
    per_category = {}
    if ev.params.useCats:
        labels = list(ev.params.areaRngLbl)
        a = labels.index('all') if 'all' in labels else None
        m = ev.params.maxDets.index(100) if 100 in ev.params.maxDets else None
        for k, cat_id in enumerate(ev.params.catIds):
            if a is None or m is None:
                per_category[str(cat_id)] = -1
                continue
            s = precision[:, :, k, a, m]
            s = s[s > -1]
            per_category[str(cat_id)] = float(np.mean(s)) if s.size else -1
    result = {
        'stats': [float(v) for v in ev.stats],
        'precision': precision.ravel().tolist(),
        'recall': ev.eval['recall'].ravel().tolist(),
        'counts': list(ev.eval['counts']),
        'perCategory': per_category,
        'summary': out.getvalue().rstrip('\n').split('\n'),
    }
    with open(f'{case_dir}/expected.json', 'w') as f:
        json.dump(result, f)


for case in sys.argv[1:]:
    run(case)
