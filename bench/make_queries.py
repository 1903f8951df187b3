#!/usr/bin/env python3
"""Builds the fixed load-test query files in bench/queries/ (deterministic).

    python3 bench/make_queries.py            # rewrites keywords.txt, voices.txt, voices_or.txt

keywords.txt   staff keyword searches: 1-3 words from the corpus vocabulary
               (MeCab nouns/compound nouns of the real plan + the generator's
               department vocabulary), space-separated, one per line.
voices.txt     citizen voices (市政への提言), 100-400 characters, one per line;
               about 2/3 on the real document's themes (広報, ふるさと納税,
               姉妹都市, 広聴, 市民参加, シティプロモーション, データ活用),
               1/3 on other city matters (roads, garbage, nursery, parks, buses...).
voices_or.txt  the same voices as Groonga OR queries of their content words:
               MeCab (ipadic-utf8) base forms of nouns, verbs and adjectives,
               stop words and one-character kana dropped, deduplicated in order.

The files are committed; this script is how they were made. It needs the
`mecab` command and the ipadic-utf8 dictionary.
"""

import os
import random
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import gen_corpus  # noqa: E402
import plandoc  # noqa: E402

MECAB = ["mecab", "-d", "/var/lib/mecab/dic/ipadic-utf8"]
SEED = 20261124

# ---- citizen voices: per-topic sentence pools --------------------------------
OPEN = [
    "いつもお世話になっております。", "市政への提言として送ります。", "八王子に住んで二十年になる者です。",
    "子育て中の母親です。", "市内で小さな店を営んでいます。", "定年後に地域活動をしている者です。",
    "大学進学で八王子に来た学生です。", "初めて投稿します。", "", "", "", "",
]
CLOSE = [
    "ご検討をよろしくお願いします。", "前向きな回答を期待しています。", "市の考えを聞かせてください。",
    "よろしくお願いいたします。", "早急に対応してください。", "", "", "",
]
TOPICS = {
    "広報": [
        "広報はちおうじの文字が小さく、高齢の母には読みづらいようです。",
        "市のホームページで手続きのページを探しても、古いお知らせばかり出てきて目的の情報にたどり着けません。",
        "新聞を取っていない家庭が増えているので、広報紙の配布方法を見直してはどうでしょうか。",
        "市の公式SNSはイベントの告知が多いですが、災害時の情報も同じくらい早く発信してほしいです。",
        "市政の動画をもっと短くして、スマートフォンで見やすい形にしてもらえると助かります。",
        "広報紙をデジタル版だけにするという話を聞きましたが、紙で読みたい人もいることを忘れないでください。",
        "転入したばかりで、どこに何の情報が載っているのか分かりません。",
    ],
    "ふるさと納税": [
        "八王子市民が他の自治体に寄附して、市の税収が流出していると聞きました。",
        "ふるさと納税の返礼品に、地元の織物やお酒、高尾山にちなんだ体験をもっと加えてほしいです。",
        "寄附したお金が何に使われたのか、報告がホームページのどこにも見当たりません。",
        "市内の事業者として返礼品の提供に参加したいのですが、申込み方法が分かりません。",
        "企業版ふるさと納税で地元の企業が応援できる仕組みを広く知らせてほしいです。",
        "旅先で使える現地決済型のふるさと納税を高尾山の周辺でも使えるようにしてはどうでしょうか。",
    ],
    "姉妹都市": [
        "苫小牧市との姉妹都市交流は千人同心のご縁からだと聞き、子どもたちにも伝えたいと思いました。",
        "姉妹都市の日光市や小田原市と、市民同士がもっと気軽に交流できる機会をつくってください。",
        "姉妹都市の物産展を駅前で開いてもらえれば、買い物を通じて相手のまちを知ることができます。",
        "寄居町との盟約の記念事業について、市民が参加できる企画があるなら早めに知らせてほしいです。",
        "中学生の相互訪問が再開されると聞きましたが、参加者の選び方を公表してください。",
    ],
    "広聴": [
        "ひと月前に市政への提言を送りましたが、受け付けたという連絡すらありません。",
        "市長と直接話せるふれあいトークに参加したいのですが、平日の昼間だけでは働いている人は行けません。",
        "市政世論調査の結果が施策にどう反映されたのか、分かるようにしてほしいです。",
        "意見を送っても担当課に本当に届いているのか不安です。",
        "窓口で相談したことが次の担当者に引き継がれず、同じ説明を三回しました。",
        "市政モニターの募集が少なく、若い世代の声が届きにくいと感じます。",
    ],
    "市民参加": [
        "審議会の市民委員の公募に応募しましたが、選考の基準が分かりませんでした。",
        "パブリックコメントの期間が短く、資料も専門用語ばかりで意見が書けません。",
        "無作為抽出で市民委員に選ばれる仕組みは良いと思うので、もっと広げてください。",
        "会議が平日の夜に集中していて、子育て世帯は参加しにくいです。",
        "オンラインで傍聴や意見提出ができる審議会を増やしてほしいです。",
        "市民と行政が一緒に地域の課題を考えるワークショップをもっと開いてください。",
    ],
    "シティプロモーション": [
        "八王子の魅力は高尾山だけではないので、里山や織物の歴史ももっと発信してほしいです。",
        "市外の友人に八王子を紹介しても、イメージが湧かないと言われます。",
        "ブランドメッセージのポスターを見かけますが、何を伝えたいのかよく分かりません。",
        "学生が多いまちなのに、卒業すると市外に出てしまう人が多いのは残念です。",
        "市の魅力を伝える動画に、地元の商店街や農家の人たちを登場させてはどうでしょうか。",
        "住んでいる人がまちを誇りに思えるような情報発信をお願いします。",
    ],
    "データ活用": [
        "市が持っている人口や交通のデータをオープンデータとして公開してください。",
        "政策を決めるときに、どんなデータを根拠にしたのか説明してほしいです。",
        "人流データを分析して、駅周辺の混雑や商店街の活性化に役立ててはどうでしょうか。",
        "統計資料がPDFばかりで、表計算ソフトで使える形式になっていません。",
        "生成AIを市役所の業務に使うなら、個人情報の扱いをきちんと説明してください。",
    ],
    "道路": [
        "自宅前の市道に大きな穴が空いていて、夜は自転車で通るのが危険です。",
        "通学路の歩道が狭く、車がすぐ横を通るので子どもが心配です。",
        "街灯が切れたまま何週間も直っていない場所があります。",
        "雨が降るたびに交差点に水たまりができ、歩行者に水がかかっています。",
        "道路工事の予定が事前に知らされず、毎朝の通勤で渋滞に巻き込まれています。",
        "坂道の舗装がひび割れていて、高齢者がつまずきそうになっていました。",
    ],
    "ごみ": [
        "ごみ集積所にカラスが集まり、毎週のように袋が破られて散らかっています。",
        "粗大ごみの申込みが電話でしかつながりにくく、何度かけても話し中です。",
        "プラスチックの分別方法が複雑で、高齢の世帯では正しく出せていません。",
        "有料の指定収集袋の値段が高いと感じます。",
        "空き地に家電が不法投棄されたままになっています。",
        "戸別収集になってから収集時間が遅くなり、夏は臭いが気になります。",
    ],
    "保育": [
        "四月入園の保育園の申込みで、第五希望まで全て入れませんでした。",
        "学童保育の定員がいっぱいで、小学一年生の子どもを一人で留守番させています。",
        "保育園の送迎で駐車場がなく、近所に迷惑をかけていないか気になります。",
        "保育士さんの待遇を改善して、定員を増やしてください。",
        "一時預かりの予約が取れず、通院の日に子どもを預ける先がありません。",
        "兄弟で別々の園に通っていて、毎朝の送迎が大変です。",
    ],
    "公園": [
        "近所の公園の遊具が古くなり、使用禁止のテープが貼られたままです。",
        "公園の草が伸び放題で、子どもを遊ばせるのがためらわれます。",
        "夜の公園で花火をする人がいて、騒音に困っています。",
        "ボール遊びができる公園を増やしてほしいです。",
    ],
    "交通": [
        "路線バスの本数が減り、病院への通院が難しくなりました。",
        "コミュニティバスの路線を団地の近くまで延ばしてください。",
        "駅前の駐輪場が足りず、歩道に自転車があふれています。",
        "運転免許を返納した後の移動手段がなく、買い物に困っています。",
    ],
    "図書館": [
        "図書館の開館時間を夜まで延長してほしいです。",
        "図書館の自習席が少なく、試験前は朝から並ばないと座れません。",
        "電子書籍の貸出サービスの冊数を増やしてください。",
    ],
}
IN_SCOPE = ["広報", "ふるさと納税", "姉妹都市", "広聴", "市民参加", "シティプロモーション", "データ活用"]
OUT_SCOPE = ["道路", "ごみ", "保育", "公園", "交通", "図書館"]
BRIDGE = ["また、", "それから、", "さらに、", "正直なところ、", "ちなみに、", "", "", "", ""]

STOP = set("する ある いる なる れる られる せる させる できる こと もの よう ため の ん さ "
           "方 中 何 的 ない いう 思う 感じる 考える くださる いただく おる 等 など これ それ "
           "ここ そこ 私 いく くる 見る 行う 化 者 たち 様 的 性 度 毎 頃 みる しまう 良い いい".split())


def mecab_lines(texts):
    p = subprocess.run(MECAB, input="\n".join(texts) + "\n", capture_output=True, text=True, check=True)
    sent, out = [], []
    for line in p.stdout.split("\n"):
        if line == "EOS":
            out.append(sent)
            sent = []
        elif "\t" in line:
            surf, feat = line.split("\t", 1)
            sent.append((surf, feat.split(",")))
    return out


def content_words(tokens):
    words = []
    for surf, f in tokens:
        pos, sub = f[0], f[1] if len(f) > 1 else ""
        if pos not in ("名詞", "動詞", "形容詞"):
            continue
        if pos == "名詞" and sub in ("数", "非自立", "代名詞", "接尾", "特殊"):
            continue
        if pos in ("動詞", "形容詞") and sub == "非自立":
            continue
        base = f[6] if len(f) > 6 and f[6] != "*" else surf
        if base in STOP or re.fullmatch(r"[ぁ-ん]", base) or not re.search(r"\w", base):
            continue
        if re.search(r"[\"()\\+\-<>~*:@ ]", base) or base.upper() == "OR":
            continue
        if base not in words:
            words.append(base)
    return words


def compound_nouns(tokens):
    """Runs of adjacent content nouns (名詞 一般/サ変接続/固有名詞) as corpus terms."""
    out, cur = [], []
    for surf, f in tokens + [("", ["EOS"])]:
        if f[0] == "名詞" and len(f) > 1 and f[1] in ("一般", "サ変接続", "固有名詞"):
            cur.append(surf)
        else:
            if cur:
                out.append("".join(cur))
                if len(cur) > 1:
                    out.extend(cur)
            cur = []
    return out


def make_keywords(rng, n=200):
    secs = plandoc.parse(gen_corpus.default_source())
    texts = [s["text"].replace("\n", " ") for s in secs]
    vocab = {}
    for toks in mecab_lines(texts):
        for w in compound_nouns(toks):
            if len(w) >= 2 and not re.fullmatch(r"[ぁ-ん]+|[\d０-９]+", w):
                vocab[w] = vocab.get(w, 0) + 1
    theme = [w for d in gen_corpus.DEPTS for w in d[3].split()]
    for w in theme:
        vocab[w] = vocab.get(w, 0) + 2
    words = sorted(vocab)
    weights = [vocab[w] for w in words]
    out, seen = [], set()
    while len(out) < n:
        k = rng.choices((1, 2, 3), weights=(5, 4, 1))[0]
        q = []
        while len(q) < k:
            w = rng.choices(words, weights=weights)[0]
            if w not in q and len(w) <= 12:
                q.append(w)
        line = " ".join(q)
        if line not in seen:
            seen.add(line)
            out.append(line)
    return out


def make_voice(rng, topic):
    for _ in range(200):
        body = rng.sample(TOPICS[topic], k=min(len(TOPICS[topic]), rng.choice((2, 3, 3, 4, 4, 5, 6))))
        while rng.random() < 0.3:  # citizens often mention a second matter in passing
            other = rng.choice([t for t in TOPICS if t != topic])
            body.append(rng.choice(BRIDGE) + rng.choice(TOPICS[other]))
        text = rng.choice(OPEN) + "".join(body) + rng.choice(CLOSE)
        if 100 <= len(text) <= 400:
            return text
    raise RuntimeError(f"no voice of 100-400 characters for {topic}")


def make_voices(rng, n=100):
    out, seen = [], set()
    topics = [IN_SCOPE[i % len(IN_SCOPE)] for i in range(67)] + [OUT_SCOPE[i % len(OUT_SCOPE)] for i in range(33)]
    rng.shuffle(topics)
    for t in topics:
        for _ in range(50):
            v = make_voice(rng, t)
            if v not in seen:
                break
        seen.add(v)
        out.append(v)
    return out[:n]


def main():
    rng = random.Random(SEED)
    qdir = os.path.join(HERE, "queries")
    os.makedirs(qdir, exist_ok=True)
    kws = make_keywords(rng)
    voices = make_voices(rng)
    ors = [" OR ".join(content_words(toks)) for toks in mecab_lines(voices)]
    assert len(ors) == len(voices) and all(ors)
    for name, lines in (("keywords.txt", kws), ("voices.txt", voices), ("voices_or.txt", ors)):
        with open(os.path.join(qdir, name), "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        print(f"{name}: {len(lines)} lines")


if __name__ == "__main__":
    main()
