"""Prints the layout of a Keras file as JSON, read with h5py (what Python Keras uses).

Usage: python3 h5_layout.py FILE
For an HDF5 file: {"h5": TREE}; for a .keras zip: {"zip": {"members": [...], "stored": [...]}, "h5": TREE}
where TREE maps each path ("/", "/model_weights", ...) to
{"kind": "group"|"dataset", "shape": [...], "dtype": "...", "attrs": {name: {"type": T, "shape": [...], "value": V}}}
and T is "vlen-str" (variable-length string), "fixed-str" or the numpy dtype name.
"""
import io
import json
import sys
import zipfile

import h5py


def attr_info(obj, name):
    aid = obj.attrs.get_id(name)
    dtype = aid.dtype
    info = h5py.check_string_dtype(dtype)
    value = obj.attrs[name]
    if info is not None:
        kind = "vlen-str" if info.length is None else "fixed-str"
        if hasattr(value, "tolist"):
            value = value.tolist()
        if isinstance(value, list):
            value = [v.decode("utf-8") if isinstance(v, bytes) else v for v in value]
        elif isinstance(value, bytes):
            value = value.decode("utf-8")
        return {"type": kind, "encoding": info.encoding, "shape": list(aid.shape), "value": value}
    return {"type": str(dtype), "shape": list(aid.shape), "value": value.tolist() if hasattr(value, "tolist") else value}


def tree(f):
    out = {}

    def visit(path, obj):
        entry = {"attrs": {k: attr_info(obj, k) for k in obj.attrs.keys()}}
        if isinstance(obj, h5py.Dataset):
            entry.update(kind="dataset", shape=list(obj.shape), dtype=str(obj.dtype))
        else:
            entry.update(kind="group")
        out["/" + path if path else "/"] = entry

    visit("", f)
    f.visititems(visit)
    return out


def main(path):
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
            result = {"zip": {"members": [i.filename for i in infos],
                              "stored": [i.compress_type == zipfile.ZIP_STORED for i in infos]}}
            result["config"] = json.loads(z.read("config.json"))
            result["metadata"] = json.loads(z.read("metadata.json"))
            with h5py.File(io.BytesIO(z.read("model.weights.h5")), "r") as f:
                result["h5"] = tree(f)
    else:
        with h5py.File(path, "r") as f:
            result = {"h5": tree(f)}
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
