"""``kzlegal corpus fetch``: a shallow, sparse clone of github.com/kazakhstan-law/codes.

Act folders upstream end with the act's zan.gov.kz code
(``02-codes/2015/1123-trudovoi-kodeks-respubliki-kazakhstan-95666``), so the folders to
check out are found from the repository's tree without downloading any text first.
"""
from __future__ import annotations

import subprocess
from pathlib import Path

from corpora.errors import CorpusError
from corpora.registry import act_by_id


def _git(*args: str, cwd: Path | None = None) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True)
    except FileNotFoundError as exc:
        raise CorpusError("git is not installed; install git or clone the repository by hand") from exc
    except subprocess.CalledProcessError as exc:
        raise CorpusError(f"git {' '.join(args)} failed: {exc.stderr.strip()}") from exc
    return done.stdout


def act_folders(tree: list[str], act_codes: list[str]) -> list[str]:
    """Folders of ``tree`` whose name ends with ``-<act_code>`` for one of ``act_codes``."""
    wanted = {f"-{code}" for code in act_codes}
    return sorted({path for path in tree if any(path.endswith(sfx) for sfx in wanted) and path.count("/") == 2})


def fetch(dest: Path, repo_url: str, acts: list[str]) -> list[str]:
    """Clone ``repo_url`` into ``dest`` (shallow, sparse) with only the folders of ``acts``.

    ``acts`` are adilet codes of registry acts (their zan code picks the folder); an empty
    list checks out everything. Returns the folders checked out.
    """
    codes = []
    for act_id in acts:
        act = act_by_id(act_id)
        if act is None or not act.act_code:
            raise CorpusError(f"act {act_id}: no zan.gov.kz code in the registry, so its folder is unknown; "
                              f"use --all or clone by hand")
        codes.append(act.act_code)
    if dest.exists() and any(dest.iterdir()):
        raise CorpusError(f"{dest} exists and is not empty; remove it or pass --dest")
    _git("clone", "--depth", "1", "--filter=blob:none", "--sparse", repo_url, str(dest))
    if not codes:
        _git("sparse-checkout", "disable", cwd=dest)
        return ["(all)"]
    tree = _git("ls-tree", "-r", "-d", "--name-only", "HEAD", cwd=dest).splitlines()
    folders = act_folders(tree, codes)
    if not folders:
        raise CorpusError(f"{repo_url}: no folders for zan codes {', '.join(codes)}")
    _git("sparse-checkout", "set", *folders, cwd=dest)
    return folders
