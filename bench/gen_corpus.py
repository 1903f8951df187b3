#!/usr/bin/env python3
"""Scaled plan-document generator for koe's benchmarks (issue 7).

Writes documents in the city's real export format (UTF-8 TSV with HTML
fragments: department header, project table, one 6-row detail block per
project) under OUT/<fiscal year>/<department slug>.tsv, with text recombined
from the real document's sentences, list items and clauses, its nouns swapped
with municipal vocabulary of the document's department, and numbers varied.

Deterministic: document i depends only on (--seed, i), so a smaller corpus is
a prefix of a larger one with the same seed. Output is streamed one document
at a time (constant memory). Python 3 standard library only.

    python3 bench/gen_corpus.py --sections 100000 --out /tmp/corpus100k --seed 7

Each project yields 9 sections (title, reason, focus, purpose, goal_2030,
goal_fy, status, issues, activities) and each department 2 (mission, vision);
generation stops once the running total reaches --sections. Document 0 is the
real document itself (unless --no-real), so the real 市長公室 plan is present
at every scale among generated distractors.
"""

import argparse
import glob
import os
import random
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import plandoc  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))

# --- department pool: (name, slug, divisions, theme nouns) -------------------
# 市長公室 is the real document's department; the rest are plausible municipal
# departments so that term statistics vary per document as in a real city.
DEPTS = [
    ("市長公室", "shichokoshitsu", "都市戦略課 秘書課 広報プロモーション課 広聴課",
     "広報 広聴 シティプロモーション ふるさと納税 姉妹都市 市民参加 データ利活用 EBPM 政策立案 情報発信 返礼品 市政への提言"),
    ("総務部", "somubu", "総務課 法制課 人事課 職員課 情報公開課",
     "行政文書 情報公開 個人情報保護 職員研修 人材育成 働き方改革 庁舎管理 コンプライアンス 公文書 会計年度任用職員 例規"),
    ("財務部", "zaimubu", "財政課 契約課 資産経営課 住民税課 資産税課 納税課",
     "予算編成 財政運営 公共施設マネジメント 入札 契約事務 市税 収納率 滞納整理 固定資産税 電子申告 市有財産 基金"),
    ("デジタル推進室", "dejitarusuishinshitsu", "DX推進課 情報システム課",
     "オンライン申請 行政手続 基幹システム 標準化 キャッシュレス決済 窓口 情報セキュリティ 生成AI デジタルデバイド ガバメントクラウド"),
    ("市民活動推進部", "shiminkatsudosuishinbu", "協働推進課 多文化共生推進課 男女共同参画課 市民活動支援課",
     "町会 自治会 地域活動 多文化共生 外国人市民 男女共同参画 ボランティア NPO 市民活動センター 地域コミュニティ"),
    ("生活安全部", "seikatsuanzenbu", "防災課 危機管理課 交通安全課 消費生活センター",
     "防災訓練 避難所 自主防災組織 災害備蓄 防犯カメラ 交通安全教室 消費者被害 特殊詐欺 ハザードマップ 帰宅困難者"),
    ("市民部", "shiminbu", "市民課 戸籍住民課 保険年金課 事務所管理課",
     "窓口サービス マイナンバーカード 国民健康保険 国民年金 証明書 住民票 市民センター 書かない窓口 コンビニ交付"),
    ("福祉部", "fukushibu", "福祉政策課 生活福祉課 障害者福祉課 地域福祉推進課",
     "生活保護 自立支援 障害者 地域福祉 成年後見制度 民生委員 重層的支援体制 ひきこもり 就労支援 相談支援"),
    ("健康医療部", "kenkoiryobu", "保健総務課 健康づくり課 保健対策課 地域医療政策課 生活衛生課",
     "健康診査 がん検診 予防接種 感染症対策 救急医療 食品衛生 健康寿命 母子保健 特定健診 保健所"),
    ("高齢者福祉部", "koreishafukushibu", "高齢者いきいき課 介護保険課 高齢者福祉課",
     "介護保険 地域包括支援センター 認知症 介護予防 見守り 高齢者 介護人材 フレイル 在宅医療 介護認定"),
    ("子ども家庭部", "kodomokateibu", "子どものしあわせ課 保育幼稚園課 子育て支援課 子ども家庭支援センター 青少年若者課",
     "保育所 待機児童 学童保育 子育てひろば 児童虐待 児童手当 放課後児童 保育士 一時預かり ヤングケアラー 認定こども園 幼稚園"),
    ("産業振興部", "sangyoshinkobu", "産業政策課 企業支援課 観光課 農林課",
     "中小企業 創業支援 企業誘致 観光客 高尾山 農業 地産地消 商店街 織物 インバウンド 事業承継 森林"),
    ("環境部", "kankyobu", "環境政策課 環境保全課 水循環課",
     "脱炭素 温室効果ガス 再生可能エネルギー 生物多様性 水環境 環境教育 ゼロカーボン 省エネルギー 大気汚染 騒音"),
    ("資源循環部", "shigenjunkanbu", "ごみ減量対策課 清掃事業課 清掃施設整備課 資源循環推進課",
     "ごみ減量 資源化 粗大ごみ 戸別収集 不法投棄 プラスチック 食品ロス 清掃工場 集積所 リサイクル 家庭ごみ 分別"),
    ("都市計画部", "toshikeikakubu", "都市計画課 交通企画課 住宅政策課 公園課 市街地整備課",
     "都市計画 立地適正化 公共交通 路線バス 空き家 市営住宅 公園 区画整理 駅前 景観 コミュニティバス"),
    ("道路交通部", "dorokotsubu", "道路計画課 道路管理課 道路補修課 交通事業課",
     "道路 舗装 橋りょう 歩道 街路灯 道路占用 交通渋滞 自転車走行空間 無電柱化 道路照明 生活道路 通学路"),
    ("水循環部", "mizujunkanbu", "下水道課 水再生施設課 下水道経営課",
     "下水道 雨水対策 浸水対策 管路 水再生施設 耐震化 下水道使用料 ストックマネジメント 合流改善"),
    ("学校教育部", "gakkokyoikubu", "教育総務課 学校施設課 指導課 教育支援課 学務課",
     "学校 児童生徒 不登校 特別支援教育 学校給食 ICT教育 いじめ 教員の働き方 学校施設 就学援助 部活動"),
    ("生涯学習スポーツ部", "shogaigakushusportsbu", "生涯学習政策課 図書館課 文化財課 スポーツ振興課",
     "図書館 生涯学習 文化財 郷土資料 スポーツ施設 市民体育 読書活動 公民館 博物館 パラスポーツ"),
    ("議会事務局", "gikaijimukyoku", "議事課 調査課",
     "議会 会議録 議会中継 議会報告 委員会 請願 陳情 議員"),
    ("選挙管理委員会事務局", "senkyokanriiinkaijimukyoku", "選挙課",
     "選挙 投票率 期日前投票 主権者教育 投票所 開票事務 若年層"),
    ("農業委員会事務局", "nogyoiinkaijimukyoku", "農地課",
     "農地 遊休農地 農業委員 農地利用 担い手 農地パトロール 都市農業"),
]

# Districts used to name further departments once every (year, department)
# pair is taken: "<地区>地域<部>" / "<slug>-<dept slug>".
DISTRICTS = [
    ("由木", "yugi"), ("南大沢", "minamiosawa"), ("浅川", "asakawa"), ("横山", "yokoyama"),
    ("元八王子", "motohachioji"), ("恩方", "ongata"), ("川口", "kawaguchi"), ("加住", "kasumi"),
    ("北野", "kitano"), ("石川", "ishikawa"), ("由井", "yui"), ("館", "tate"), ("高尾", "takao"),
    ("長房", "nagabusa"), ("片倉", "katakura"), ("打越", "uchikoshi"), ("小宮", "komiya"),
    ("大和田", "owada"), ("子安", "koyasu"), ("台町", "daimachi"), ("散田", "sanda"),
    ("楢原", "narahara"), ("犬目", "inume"), ("長沼", "naganuma"), ("堀之内", "horinouchi"),
    ("別所", "bessho"), ("鑓水", "yarimizu"), ("松が谷", "matsugaya"), ("東浅川", "higashiasakawa"),
    ("中野", "nakano"), ("寺田", "terada"), ("大塚", "otsuka"), ("中山", "nakayama"), ("上柚木", "kamiyugi"),
    ("下柚木", "shimoyugi"), ("堀之内東", "horinouchihigashi"), ("絹ケ丘", "kinugaoka"), ("みなみ野", "minamino"),
    ("西寺方", "nishiterakata"), ("上恩方", "kamiongata"),
]
YEARS = list(range(2026, 2011, -1))  # 15 fiscal years

PROJECT_SUFFIXES = ["の推進", "の充実", "事業", "対策", "支援事業", "の整備", "の適正管理", "の運営",
                    "の強化", "の見直し", "の普及啓発", "体制の構築", "の利用促進"]
SUBMEASURE_SUFFIXES = ["の推進", "の充実", "の向上", "への対応力向上", "の確保", "の基盤づくり", "の促進"]

KANJI_RUN = re.compile(r"[一-龥々〆ヶ]{2,}|[ァ-ヴー]{3,}|[A-Z]{2,}")
NUM = re.compile(r"\d+")
CONTENT_KINDS = ("purpose", "goal_2030", "goal_fy", "status", "issues", "activities")
LEAD_MARK = re.compile(r"^[・①-⑳]+")
# A noun run is swapped only when a particle or punctuation follows it, so
# verbal nouns (推進する, 活用し) keep their verbs.
SWAP_NEXT = set("のをがやとはへも、・）」")


def harvest(source):
    """Item pools per section kind from the real document."""
    pools = {}
    for s in plandoc.parse(source):
        # list marks are re-added by the cell formatter, not carried in items
        pools.setdefault(s["kind"], []).extend(LEAD_MARK.sub("", x) for x in s["items"])
    pools["mission"] = pools.get("mission", []) + pools.get("vision", [])
    pools["vision"] = pools["mission"]
    nouns = set()
    for items in pools.values():
        for it in items:
            for m in KANJI_RUN.finditer(it):
                nxt = it[m.end():m.end() + 1]
                if nxt in SWAP_NEXT:
                    nouns.add(m.group(0))
    pools["_nouns"] = sorted(nouns)
    # clause pool: pieces between 、 per kind, for recombination
    return pools


def load_tail(dicdir, limit=60000):
    """Common nouns from MeCab's ipadic sources, most common (lowest word cost)
    first, for a Zipf-distributed long tail: without it every document would
    reuse the real document's few thousand words and the vocabulary would not
    grow with the corpus as real text does (Heaps' law)."""
    words = {}
    for fn in ("Noun.csv", "Noun.verbal.csv"):
        path = os.path.join(dicdir, fn)
        if not os.path.exists(path):
            continue
        with open(path, encoding="euc_jp", errors="replace") as f:
            for line in f:
                parts = line.split(",")
                if len(parts) < 4 or "\ufffd" in parts[0]:
                    continue
                w = parts[0]
                if KANJI_RUN.fullmatch(w):
                    cost = int(parts[3])
                    if w not in words or cost < words[w]:
                        words[w] = cost
    ranked = sorted(words, key=lambda w: (words[w], w))[:limit]
    return ranked


def default_source():
    cands = [os.path.join(HERE, "..", "corpus", "2026", "shichokoshitsu.tsv")]
    cands += sorted(glob.glob("/work/shared/corpus/*.txt"))
    for c in cands:
        if os.path.exists(c):
            return c
    sys.exit("gen_corpus: no real plan document found; pass --source FILE")


class Gen:
    def __init__(self, pools, seed, real_source=None, tail=None):
        self.tail = tail or []
        if self.tail:
            # Zipf weights 1/rank: cumulative for random.choices
            acc, cum = 0.0, []
            for r in range(1, len(self.tail) + 1):
                acc += 1.0 / r
                cum.append(acc)
            self.tail_cum = cum
        self.real_text = None
        if real_source:
            with open(real_source, encoding="utf-8", newline="") as f:
                self.real_text = f.read()
            self.real_sections = len(plandoc.parse(real_source))
        self.p = pools
        self.seed = seed
        self.real_nouns = pools["_nouns"]
        self.all_theme = sorted({w for d in DEPTS for w in d[3].split()})

    # ---- identity of document i ------------------------------------------
    @staticmethod
    def identity(i):
        per_variant = len(YEARS) * len(DEPTS)
        v, r = divmod(i, per_variant)
        y, d = divmod(r, len(DEPTS))
        name, slug, divs, theme = DEPTS[d]
        year = YEARS[y]
        if v:
            dn, ds = DISTRICTS[(v - 1) % len(DISTRICTS)]
            rep = (v - 1) // len(DISTRICTS)
            if rep:
                dn, ds = f"{dn}第{rep + 1}", f"{ds}{rep + 1}"
            name, slug = f"{dn}地域{name}", f"{ds}-{slug}"
        return year, name, slug, divs.split(), theme.split()

    # ---- text mutation ------------------------------------------------------
    def noun(self, rng, theme):
        r = rng.random()
        if r < 0.45:
            return rng.choice(theme)
        if r < 0.70:
            return rng.choice(self.real_nouns)
        if r < 0.75 or not self.tail:
            return rng.choice(self.all_theme)
        return rng.choices(self.tail, cum_weights=self.tail_cum)[0]

    def mutate(self, rng, text, theme, rate, at_end=False):
        def swap(m):
            nxt = text[m.end():m.end() + 1]
            ok = nxt in SWAP_NEXT or (at_end and nxt == "")
            if ok and rng.random() < rate:
                return self.noun(rng, theme)
            return m.group(0)

        def num(m):
            s = m.group(0)
            n = int(s)
            if len(s) == 4 and 1900 <= n <= 2100:
                return str(n + rng.randint(-3, 3))
            if n == 0:
                return s
            return str(rng.randint(max(1, n // 2), n * 2 + 3))

        text = KANJI_RUN.sub(swap, text)
        return NUM.sub(num, text)

    def item(self, rng, kind, theme, rate=0.35):
        pool = self.p[kind]
        a = rng.choice(pool)
        r = rng.random()
        if r < 0.35:
            # clause recombination: head of one item, tail of another of the same kind
            b = rng.choice(pool)
            ca, cb = a.split("、"), b.split("、")
            if len(ca) > 1 or len(cb) > 1:
                head = "、".join(ca[:rng.randint(1, max(1, len(ca) - 1))]).rstrip("。")
                tail = "、".join(cb[rng.randint(1, len(cb) - 1):]) if len(cb) > 1 else cb[0]
                a = head + "、" + tail
        elif r < 0.45 and kind in CONTENT_KINDS:
            # borrow from another kind's pool (plans repeat each other's wording)
            k2 = rng.choice(CONTENT_KINDS)
            a = rng.choice(self.p[k2])
        return self.mutate(rng, a, theme, rate)

    def items(self, rng, kind, theme, lo, hi):
        return [self.item(rng, kind, theme) for _ in range(rng.randint(lo, hi))]

    # ---- cell formats -------------------------------------------------------
    @staticmethod
    def cell(rng, items, style):
        if style == "p":
            return "<p>" + "".join(items) + "</p>"
        if style == "ul":
            return plandoc.UL_OPEN + " " + " ".join(items) + " "
        if style == "marks":
            marks = "①②③④⑤⑥⑦⑧⑨"
            if rng.random() < 0.5:
                return " ".join(("・" if not x.startswith("・") else "") + x for x in items)
            return " ".join(marks[k % 9] + x for k, x in enumerate(items))
        return " ".join(items)  # plain

    def project_name(self, rng, theme, used, home):
        for _ in range(20):
            r = rng.random()
            if home and r < 0.8:
                name = rng.choice(self.p["title"])
            elif r < 0.15:
                name = self.mutate(rng, rng.choice(self.p["title"]), theme, 1.0, at_end=True)
            else:
                w, suf = rng.choice(theme), rng.choice(PROJECT_SUFFIXES)
                name = w + (suf[2:] if suf[:2] == w[-2:] else suf)  # 創業支援+支援事業 -> 創業支援事業
            if name not in used:
                used.add(name)
                return name
        name = f"{rng.choice(theme)}{rng.choice(PROJECT_SUFFIXES)}（{len(used) + 1}）"
        used.add(name)
        return name

    # ---- one document -------------------------------------------------------
    def document(self, i, k_fixed=None):
        if i == 0 and self.real_text is not None:
            year, name, slug, _, _ = self.identity(0)
            return year, slug, self.real_text, self.real_sections
        rng = random.Random(f"{self.seed}:{i}")
        year, name, slug, divs, theme = self.identity(i)
        k = k_fixed or rng.choice((9, 9, 9, 10, 10, 11, 12, 8))
        L = ["", "", f"部長名\t{name}長", "-----\t-------", "", "部のミッション", "",
             self.item(rng, "mission", theme, 0.4), "", "部のビジョン", "",
             self.item(rng, "vision", theme, 0.4), "", "重要度が高い事務事業", "",
             "番号\t施策番号\t細施策番号\t事業名\t重要度が高いとする理由\t事業実施課"]
        used = set()
        projects = []
        for n in range(1, k + 1):
            pname = self.project_name(rng, theme, used, home=slug.endswith(DEPTS[0][1]))
            projects.append((n, rng.randint(1, 30), rng.randint(1, 5), pname,
                             self.item(rng, "reason", theme), rng.choice(divs)))
        for n, a, b, pname, reason, div in projects:
            L.append(f"{n}\t{a}\t{b}\t{pname}\t{reason}\t{div}")
        for n in range(k + 1, 11):  # the form has 10 rows; unused ones stay empty
            L.append(f"{n}\t\t\t\t\t")
        L.append("")
        shifted = set()
        if rng.random() < 0.4:
            shifted.add(rng.randint(1, k))
        if rng.random() < 0.1:
            shifted.add(rng.randint(1, k))
        focus_pool = self.p["focus"]
        for n, a, b, pname, reason, div in projects:
            sub = rng.choice(theme) + rng.choice(SUBMEASURE_SUFFIXES) if rng.random() < 0.7 else \
                self.mutate(rng, rng.choice(focus_pool), theme, 0.3)
            L.append(f"{n}\t施策番号\t{a}\t細施策番号\t{b}\t細施策名\t{sub}\t事業名\t{pname}\t")
            fcol = rng.choice((3, 5, 5, 6))
            focus = rng.choice(focus_pool) if rng.random() < 0.7 else self.mutate(
                rng, rng.choice(focus_pool), theme, 0.5)
            row = [""] * 10
            row[1] = "目標設定にあたって重視した点"
            row[fcol] = focus
            L.append("\t".join(row))
            L.append("\t【目的】\t\t\t【目標（2030年のあるべき姿）】\t\t\t【目標（年度末のあるべき姿）】\t\t")
            r = rng.random()
            if r < 0.65:
                styles = ("p", "ul", "ul", "ul", "ul", "ul")
            elif r < 0.85:
                styles = ("plain",) * 6
            else:
                styles = tuple(rng.choice(("plain", "ul", "marks", "p")) for _ in range(6))
            purpose = self.cell(rng, [self.item(rng, "purpose", theme)], styles[0] if styles[0] != "marks" else "plain")
            g30 = self.cell(rng, self.items(rng, "goal_2030", theme, 1, 3), styles[1])
            gfy = self.cell(rng, self.items(rng, "goal_fy", theme, 1, 4), styles[2])
            L.append(f"\t{purpose}\t\t\t{g30}\t\t\t{gfy}\t\t")
            if n in shifted:
                L.append("\t【現状】\t\t\t【課題】\t\t\t【事業内容】\t\t")
            else:
                L.append("【現状】\t\t\t【課題】\t\t\t【事業内容】\t\t\t")
            st = self.cell(rng, self.items(rng, "status", theme, 1, 3), styles[3])
            iss = self.cell(rng, self.items(rng, "issues", theme, 1, 4), styles[4])
            act = self.cell(rng, self.items(rng, "activities", theme, 2, 6), styles[5])
            L.append(f"{st}\t\t\t{iss}\t\t\t{act}\t\t\t")
            if n % 2 == 0 and n != k:
                L.append("")
        # like the real export: no newline after the last row
        return year, slug, "\n".join(L), 2 + 9 * k


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sections", type=int, required=True, help="approximate number of sections")
    ap.add_argument("--out", required=True, help="output directory (DIR/<year>/<slug>.tsv)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--projects-per-doc", type=int, default=None,
                    help="fixed projects per document (default: varies 8-12, mostly 9-10)")
    ap.add_argument("--source", default=None, help="real plan document to draw text from")
    ap.add_argument("--no-real", action="store_true",
                    help="do not emit the real document as document 0 (<first year>/shichokoshitsu.tsv)")
    ap.add_argument("--tail-dic", default="/usr/share/mecab/dic/ipadic",
                    help="ipadic CSV directory for the long-tail noun vocabulary ('' to disable)")
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args(argv)
    if a.projects_per_doc is not None and not 1 <= a.projects_per_doc <= 99:
        ap.error("--projects-per-doc must be in 1..99")
    src = a.source or default_source()
    tail = load_tail(a.tail_dic) if a.tail_dic else []
    if a.tail_dic and not tail:
        print(f"gen_corpus: no nouns under {a.tail_dic}; long-tail vocabulary disabled "
              "(install mecab-ipadic for the documented term statistics)", file=sys.stderr)
    gen = Gen(harvest(src), a.seed, None if a.no_real else src, tail)
    t0 = time.time()
    total = docs = nbytes = 0
    made_dirs = set()
    while total < a.sections:
        year, slug, text, nsec = gen.document(docs, a.projects_per_doc)
        d = os.path.join(a.out, str(year))
        if d not in made_dirs:
            os.makedirs(d, exist_ok=True)
            made_dirs.add(d)
        data = text.encode("utf-8")
        with open(os.path.join(d, slug + ".tsv"), "wb") as f:
            f.write(data)
        total += nsec
        docs += 1
        nbytes += len(data)
    dt = time.time() - t0
    if not a.quiet:
        print(f"gen_corpus: {docs} documents, {total} sections, {nbytes / 1e6:.1f} MB "
              f"in {dt:.1f} s -> {a.out} (seed {a.seed}, source {os.path.basename(src)}, "
              f"tail nouns {len(tail)})",
              file=sys.stderr)
    print(f"documents={docs} sections={total} bytes={nbytes} seconds={dt:.2f}")


if __name__ == "__main__":
    main()
