"""`kzlegal corpus` commands end to end on the fixture clone, through the installed entry point."""
import json
import os
import subprocess
import sys
from pathlib import Path

FIXTURE = Path(__file__).parent / "fixtures" / "codes"


def run(*args, env_extra=None, cwd=None):
    env = dict(os.environ, **(env_extra or {}))
    return subprocess.run([sys.executable, "-m", "assistant.cli", *args], capture_output=True, text=True, env=env, cwd=cwd)


def test_build_stats_show(tmp_path):
    home = {"KZLEGAL_HOME": str(tmp_path / "home")}
    r = run("corpus", "build", "--source", str(FIXTURE), env_extra=home)
    assert r.returncode == 0, r.stderr
    r = run("corpus", "stats", "--json", env_extra=home)
    stats = json.loads(r.stdout)
    entry = {(e["act_id"], e["lang"]): e for e in stats["acts"]}
    assert entry[("K1500000999", "ru")]["articles"] == 6 and entry[("K1500000999", "ru")]["repealed"] == 1
    assert set(entry[("K1500000999", "ru")]) >= {"act_id", "act_code", "lang", "title", "articles", "repealed", "edition_date"}
    r = run("corpus", "show", "K1500000999", "2", env_extra=home)
    assert r.returncode == 0 and "Статья 2. Порядок испытания" in r.stdout and "   2) место испытания." in r.stdout
    r = run("corpus", "show", "K1500000999", "2", "--lang", "kk", env_extra=home)
    assert "2-бап. Сынақ тәртібі" in r.stdout
    r = run("corpus", "show", "K1500000999", "99", env_extra=home)
    assert r.returncode == 2 and "no article 99" in r.stderr


def test_source_resolution_order(tmp_path):
    home = {"KZLEGAL_HOME": str(tmp_path / "home"), "KZLEGAL_CORPUS_SOURCE": str(FIXTURE)}
    assert run("corpus", "build", env_extra=home).returncode == 0
    # --source wins over the environment
    r = run("corpus", "build", "--source", str(tmp_path / "missing"), env_extra=home)
    assert r.returncode == 2 and "missing does not exist" in r.stderr
    # neither: ./kazakhstan-law-codes relative to the working directory
    r = run("corpus", "build", env_extra={"KZLEGAL_HOME": str(tmp_path / "h2"), "KZLEGAL_CORPUS_SOURCE": ""}, cwd=tmp_path)
    assert r.returncode == 2 and "kazakhstan-law-codes does not exist" in r.stderr


def test_failed_build_leaves_previous_store(tmp_path):
    import shutil
    home = {"KZLEGAL_HOME": str(tmp_path / "home")}
    assert run("corpus", "build", "--source", str(FIXTURE), env_extra=home).returncode == 0
    broken = tmp_path / "broken"
    shutil.copytree(FIXTURE, broken)
    (broken / "02-codes/2015/1123-test-kodeks-99999/rus/sec001.md").write_bytes(b"\xff\xfe bad")
    r = run("corpus", "build", "--source", str(broken), env_extra=home)
    assert r.returncode == 2 and "not UTF-8" in r.stderr
    stats = json.loads(run("corpus", "stats", "--json", env_extra=home).stdout)
    assert sum(e["articles"] for e in stats["acts"]) == 6 + 3 + 2  # ru + kk of the code, ru of the law


def test_fetch_sparse_clone_from_local_repo(tmp_path):
    repo = tmp_path / "upstream"
    shutil_copy = __import__("shutil").copytree
    shutil_copy(FIXTURE, repo)
    git = lambda *a: subprocess.run(["git", *a], cwd=repo, check=True, capture_output=True)
    git("init", "-q")
    git("-c", "user.email=t@t", "-c", "user.name=t", "add", "-A")
    git("-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qm", "codes")
    dest = tmp_path / "clone"
    from corpora.fetch import act_folders, fetch
    tree = ["02-codes", "02-codes/2015", "02-codes/2015/1123-test-kodeks-99999", "03-laws/2009/0101-o-test-11111"]
    assert act_folders(tree, ["99999"]) == ["02-codes/2015/1123-test-kodeks-99999"]
    folders = fetch(dest, f"file://{repo}", [])
    assert folders == ["(all)"] and (dest / "03-laws/2009/0101-o-test-11111/rus.md").is_file()
