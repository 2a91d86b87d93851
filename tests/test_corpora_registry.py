"""The acts registry: codes, names, and adilet codes derived from requisites."""
import pytest

from corpora.registry import act_by_id, act_by_zan_code, adilet_code_from_requisite, load_registry


@pytest.mark.parametrize("requisite, code", [
    ("Кодекс Республики Казахстан от 23 ноября 2015 года № 414-V ЗРК", "K1500000414"),
    ("Закон Республики Казахстан от 4 мая 2010 года № 274-IV", "Z100000274_"),
    ("Закон Республики Казахстан от 16 апреля 1997 года № 94", "Z970000094_"),
    ("Кодекс Республики Казахстан от 1 июля 1999 года № 409", "K990000409_"),
    ("Кодекс Республики Казахстан от 26 декабря 2011 года № 518-IV", "K1100000518"),
    ("Кодекс Республики Казахстан от 18 июля 2025 года № 214-VIII ЗРК", "K2500000214"),
    ("Указ Президента Республики Казахстан от 1 января 2020 года № 5", "U2000000005"),
    ("что-то иное", None),
])
def test_adilet_code_from_requisite(requisite, code):
    assert adilet_code_from_requisite(requisite) == code


def test_registry_covers_shared_and_benchmark_acts():
    reg = load_registry()
    for act_id in ["K1500000414", "K2500000214", "K1700000120", "K1100000518", "Z100000274_", "K2000000350",
                   "Z970000094_", "K990000409_", "K940001000_", "K1400000235", "K1400000226", "K1500000377",
                   "K1500000375", "K2300000224", "K2000000360", "Z950002444_", "Z970000155_", "Z1600000486",
                   "Z030000446_", "Z1700000062", "Z1300000088", "Z1200000056", "Z2200000178", "Z1600000011",
                   "Z2400000106"]:
        assert act_id in reg, act_id
    assert act_by_zan_code("95666").act_id == "K1500000414"
    labour = act_by_id("K1500000414")
    assert {"ТК РК", "Трудовой кодекс", "ТК", "Еңбек кодексі", "ЕК"} <= set(labour.names)
    assert labour.short("kk") == "ЕК" and labour.short("ru") == "ТК РК"
    # the two tax codes stay distinct
    assert act_by_id("K1700000120").in_force_until and act_by_id("K2500000214").in_force_from


def test_shared_registry_acts_are_present(zann_file):
    import json
    reg = load_registry()
    cited = {c["act_id"] for line in zann_file.read_text(encoding="utf-8").splitlines() if line.strip()
             for c in json.loads(line)["citations"]}
    assert cited <= set(reg), cited - set(reg)
