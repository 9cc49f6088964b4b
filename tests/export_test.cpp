// Exports of a trace (lab/export_command.hpp): JSON lines and CSV against
// goldens on a hand-built trace, and the ladder as SVG: well-formed XML with
// one arrow per segment and the labels the window shows.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cctype>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

#include "lab/export_command.hpp"
#include "lab/i18n.hpp"
#include "lab/layout/ladder_svg.hpp"
#include "tests/frame_builder.hpp"
#include "tests/temp_dir.hpp"

namespace tcplab {
namespace {

namespace fs = std::filesystem;

const Endpoint kClient{IpAddress::v4(10, 0, 0, 1), 40000};
const Endpoint kServer{IpAddress::v4(10, 0, 0, 2), 5000};
constexpr int64_t kStart = 1'700'000'000'000'000'000;

CapturedPacket segment(int64_t at, const Endpoint& from, const Endpoint& to, uint8_t flags, uint32_t seq, uint32_t ack,
                       std::string payload = {}) {
    const auto frame = test::ethernet_ipv4_tcp(
        test::TcpFrame{.source = from, .destination = to, .flags = flags, .seq = seq, .ack = ack, .payload = payload});
    return Trace::capture(kStart + at, 0, LinkType::Ethernet, static_cast<uint32_t>(frame.size()), frame);
}

StateEvent state(int64_t at, const Endpoint& local, const Endpoint& remote, TcpState from, TcpState to) {
    return StateEvent{.time_ns = kStart + at,
                      .local = local,
                      .remote = remote,
                      .from = from,
                      .to = to,
                      .source = StateSource::Tracepoint};
}

// A handshake in two lesson steps, with the calls, kernel states, step notes,
// an instructor's note and a data segment whose payload needs CSV quoting.
LoadedTrace handmade() {
    LoadedTrace loaded;
    Trace& trace = loaded.trace;
    trace.assign_actor(kClient, Actor::Client);
    trace.assign_actor(kServer, Actor::Server);
    trace.add_note(NoteEvent{kStart, 0, "handshake.listen"});
    trace.add_call(CallEvent{kStart + 10, kStart + 20, Actor::Server, "listen", "fd=3, backlog=5", 0, 0, {}, kServer});
    trace.add_state(state(15, kServer, Endpoint{}, TcpState::Closed, TcpState::Listen));
    trace.add_note(NoteEvent{kStart + 1000, 1, "handshake.connect"});
    trace.add_call(
        CallEvent{kStart + 1010, kStart + 1300, Actor::Client, "connect", "fd=4, 10.0.0.2:5000", 0, 0, {}, kClient});
    trace.add_state(state(1020, kClient, kServer, TcpState::Closed, TcpState::SynSent));
    trace.add_packet(segment(1100, kClient, kServer, tcp_flag::Syn, 1000, 0));
    trace.add_packet(segment(1200, kServer, kClient, tcp_flag::Syn | tcp_flag::Ack, 5000, 1001));
    trace.add_note(NoteEvent{kStart + 1200, -1, "the SYN-ACK acknowledges x+1"});
    trace.add_packet(segment(1250, kClient, kServer, tcp_flag::Ack, 1001, 5001));
    trace.add_state(state(1251, kClient, kServer, TcpState::SynSent, TcpState::Established));
    trace.add_call(
        CallEvent{kStart + 1400, kStart + 1450, Actor::Client, "send", "fd=4, 6 bytes", 6, 0, "a,\"b\"\n", kClient});
    trace.add_packet(segment(1460, kClient, kServer, tcp_flag::Psh | tcp_flag::Ack, 1001, 5001, "a,\"b\"\n"));
    trace.flush_inferred();
    loaded.lesson = RecordedLesson{"handshake", "handshake.title", {"handshake.listen", "handshake.connect"}};
    loaded.steps.push_back(
        RecordedStep{0, kStart, kStart + 900, {{"expect.listening", true, Evidence::literal("LISTEN")}}, ""});
    loaded.steps.push_back(
        RecordedStep{1, kStart + 1000, kStart + 1500, {{"expect.acked", true, Evidence::literal("ack=1001")}}, ""});
    return loaded;
}

const Language& english() {
    static const Language language = Language::load("en").value();
    return language;
}

// Only the kernel's states (tracepoint) and the packets' inferred ones appear;
// the inferred rows are what Trace computes, so the golden lists them too.
const char* const kJsonGolden =
    R"({"kind":"note","time_ns":1700000000000000000,"offset_ns":0,"step":0,"text":"handshake.listen"}
{"kind":"call","time_ns":1700000000000000010,"offset_ns":10,"actor":"server","local":"10.0.0.2:5000","call":"listen","arguments":"fd=3, backlog=5","result":0}
{"kind":"state","time_ns":1700000000000000015,"offset_ns":15,"actor":"server","local":"10.0.0.2:5000","from_state":"CLOSED","to_state":"LISTEN","state_source":"tracepoint"}
{"kind":"note","time_ns":1700000000000001000,"offset_ns":1000,"step":1,"text":"handshake.connect"}
{"kind":"call","time_ns":1700000000000001010,"offset_ns":1010,"actor":"client","local":"10.0.0.1:40000","call":"connect","arguments":"fd=4, 10.0.0.2:5000","result":0}
{"kind":"state","time_ns":1700000000000001020,"offset_ns":1020,"actor":"client","local":"10.0.0.1:40000","remote":"10.0.0.2:5000","from_state":"CLOSED","to_state":"SYN_SENT","state_source":"tracepoint"}
)";

TEST(Export, JsonLinesOfAHandmadeTrace) {
    const LoadedTrace loaded = handmade();
    const std::string all = trace_json_lines(loaded.trace, ExportRange{});
    // The first lines, before any packet, exactly.
    ASSERT_EQ(all.substr(0, std::string(kJsonGolden).size()), kJsonGolden);
    // Then the packets, with relative and absolute numbers and the sender.
    EXPECT_NE(
        all.find(
            R"({"kind":"packet","time_ns":1700000000000001100,"offset_ns":1100,"connection":0,"sender":"client","source":"10.0.0.1:40000","destination":"10.0.0.2:5000","flags":"SYN","seq":0,"ack":0,"seq_absolute":1000,"ack_absolute":0,"length":0,"window":65535,"retransmission":false})"),
        std::string::npos)
        << all;
    EXPECT_NE(all.find(R"("flags":"SYN-ACK","seq":0,"ack":1,"seq_absolute":5000,"ack_absolute":1001)"),
              std::string::npos);
    EXPECT_NE(
        all.find(
            R"({"kind":"note","time_ns":1700000000000001200,"offset_ns":1200,"text":"the SYN-ACK acknowledges x+1"})"),
        std::string::npos);
    EXPECT_NE(all.find(R"("state_source":"inferred")"), std::string::npos) << "inferred states are exported, labelled";
    // Every line is an object, in time order.
    int64_t last = 0;
    size_t lines = 0;
    for (size_t begin = 0; begin < all.size();) {
        const size_t end = all.find('\n', begin);
        const auto object = nlohmann::json::parse(all.substr(begin, end - begin));
        EXPECT_GE(object["time_ns"].get<int64_t>(), last);
        last = object["time_ns"].get<int64_t>();
        begin = end + 1;
        ++lines;
    }
    const Trace& trace = loaded.trace;
    EXPECT_EQ(lines, trace.packets().size() + trace.states().size() + trace.calls().size() + trace.notes().size());
}

TEST(Export, CsvOfAHandmadeTrace) {
    const LoadedTrace loaded = handmade();
    const std::string csv = trace_csv(loaded.trace, ExportRange{});
    const std::string header =
        "kind,time_ns,offset_ns,connection,sender,source,destination,flags,seq,ack,seq_absolute,ack_absolute,length,"
        "window,retransmission,actor,local,remote,from_state,to_state,state_source,call,arguments,result,errno,step,"
        "text\r\n";
    ASSERT_EQ(csv.substr(0, header.size()), header);
    const auto has_row = [&](const std::string& row) { return csv.find("\r\n" + row + "\r\n") != std::string::npos; };
    EXPECT_TRUE(
        has_row("packet,1700000000000001100,1100,0,client,10.0.0.1:40000,10.0.0.2:5000,SYN,0,0,1000,0,0,65535,"
                "false,,,,,,,,,,,,"))
        << csv;
    EXPECT_TRUE(
        has_row("packet,1700000000000001200,1200,0,server,10.0.0.2:5000,10.0.0.1:40000,SYN-ACK,0,1,5000,1001,"
                "0,65535,false,,,,,,,,,,,,"));
    EXPECT_TRUE(
        has_row("state,1700000000000000015,15,,,,,,,,,,,,,server,10.0.0.2:5000,,CLOSED,LISTEN,tracepoint,,,,,,"));
    // A comma, a quote and a newline in the data: quoted, the quote doubled.
    EXPECT_TRUE(
        has_row("call,1700000000000001400,1400,,,,,,,,,,,,,client,10.0.0.1:40000,,,,,send,\"fd=4, 6 bytes\",6,"
                ",,\"a,\"\"b\"\"\n\""));
    EXPECT_TRUE(has_row("note,1700000000000001000,1000,,,,,,,,,,,,,,,,,,,,,,,1,handshake.connect"));
}

TEST(Export, RangesByTimeAndBySteps) {
    const LoadedTrace loaded = handmade();
    ExportSettings settings;
    settings.steps = "2";
    auto step_two = export_range(loaded, settings, english());
    ASSERT_TRUE(step_two) << step_two.error().what;
    const std::string json = trace_json_lines(loaded.trace, *step_two);
    EXPECT_EQ(json.find("handshake.listen"), std::string::npos) << "step 1 is left out";
    EXPECT_NE(json.find("handshake.connect"), std::string::npos);
    EXPECT_NE(json.find("\"SYN\""), std::string::npos);

    settings = {};
    settings.from_ns = 1100;
    settings.to_ns = 1200;
    auto window = export_range(loaded, settings, english());
    ASSERT_TRUE(window);
    const std::string csv = trace_csv(loaded.trace, *window);
    EXPECT_NE(csv.find(",SYN,"), std::string::npos);
    EXPECT_NE(csv.find(",SYN-ACK,"), std::string::npos);
    EXPECT_EQ(csv.find(",ACK,"), std::string::npos) << "the ACK at +1250 ns is past the range";

    settings = {};
    settings.steps = "2-5";
    EXPECT_FALSE(export_range(loaded, settings, english())) << "the file has two steps";
    settings.steps = "x";
    EXPECT_FALSE(export_range(loaded, settings, english()));
}

// ---- a minimal XML well-formedness check: tags nest, attributes are quoted,
// entities are the five XML ones or numeric, one root element ----

struct XmlElement {
    std::string name;
    std::map<std::string, std::string> attributes;
    std::string text;  // character data directly inside, entities decoded
};

class XmlChecker {
public:
    explicit XmlChecker(const std::string& text) : text_(text) {}

    // Empty when well-formed, else what is wrong and where.
    std::string check() {
        skip_space();
        if (text_.compare(position_, 5, "<?xml") == 0) {
            const size_t end = text_.find("?>", position_);
            if (end == std::string::npos) return fail("unterminated XML declaration");
            position_ = end + 2;
        }
        size_t roots = 0;
        std::vector<size_t> open;  // indices into elements
        while (true) {
            const size_t tag = text_.find('<', position_);
            std::string data = text_.substr(position_, tag == std::string::npos ? std::string::npos : tag - position_);
            std::string decoded;
            if (!decode(data, decoded)) return fail("bad entity");
            if (open.empty() && decoded.find_first_not_of(" \t\r\n") != std::string::npos)
                return fail("text outside the root element");
            if (!open.empty()) elements[open.back()].text += decoded;
            if (tag == std::string::npos) break;
            position_ = tag + 1;
            if (text_.compare(position_, 3, "!--") == 0) {
                const size_t end = text_.find("-->", position_);
                if (end == std::string::npos) return fail("unterminated comment");
                position_ = end + 3;
                continue;
            }
            if (text_[position_] == '/') {
                ++position_;
                const std::string name = read_name();
                skip_space();
                if (open.empty() || elements[open.back()].name != name)
                    return fail("</" + name + "> closes nothing open");
                if (text_[position_] != '>') return fail("expected >");
                ++position_;
                open.pop_back();
                continue;
            }
            XmlElement element;
            element.name = read_name();
            if (element.name.empty()) return fail("empty tag name");
            if (open.empty() && ++roots > 1) return fail("more than one root element");
            bool self_closing = false;
            while (true) {
                skip_space();
                if (position_ >= text_.size()) return fail("unterminated tag");
                if (text_[position_] == '>') {
                    ++position_;
                    break;
                }
                if (text_.compare(position_, 2, "/>") == 0) {
                    position_ += 2;
                    self_closing = true;
                    break;
                }
                const std::string attribute = read_name();
                if (attribute.empty()) return fail("bad attribute in <" + element.name + ">");
                skip_space();
                if (text_[position_] != '=') return fail("attribute without =");
                ++position_;
                skip_space();
                const char quote = text_[position_];
                if (quote != '"' && quote != '\'') return fail("unquoted attribute value");
                const size_t end = text_.find(quote, position_ + 1);
                if (end == std::string::npos) return fail("unterminated attribute value");
                std::string value;
                const std::string raw = text_.substr(position_ + 1, end - position_ - 1);
                if (raw.find('<') != std::string::npos || !decode(raw, value)) return fail("bad attribute value");
                if (element.attributes.count(attribute)) return fail("duplicate attribute " + attribute);
                element.attributes[attribute] = value;
                position_ = end + 1;
            }
            elements.push_back(std::move(element));
            if (!self_closing) open.push_back(elements.size() - 1);
        }
        if (!open.empty()) return fail("<" + elements[open.back()].name + "> is never closed");
        if (roots != 1) return fail("no root element");
        return {};
    }

    std::vector<XmlElement> elements;

private:
    std::string fail(const std::string& what) const { return what + " at byte " + std::to_string(position_); }
    void skip_space() {
        while (position_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[position_]))) ++position_;
    }
    std::string read_name() {
        const size_t begin = position_;
        while (position_ < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[position_])) ||
                                            std::string_view("-_:.").find(text_[position_]) != std::string_view::npos))
            ++position_;
        return text_.substr(begin, position_ - begin);
    }
    static bool decode(const std::string& in, std::string& out) {
        static const std::map<std::string, std::string> kEntities = {
            {"amp", "&"}, {"lt", "<"}, {"gt", ">"}, {"quot", "\""}, {"apos", "'"}};
        for (size_t i = 0; i < in.size(); ++i) {
            if (in[i] != '&') {
                out += in[i];
                continue;
            }
            const size_t end = in.find(';', i);
            if (end == std::string::npos) return false;
            const std::string name = in.substr(i + 1, end - i - 1);
            if (auto found = kEntities.find(name); found != kEntities.end())
                out += found->second;
            else if (!(name.size() > 1 && name[0] == '#'))
                return false;
            i = end;
        }
        return true;
    }

    std::string text_;
    size_t position_ = 0;
};

std::vector<std::string> texts_of(const XmlChecker& xml) {
    std::vector<std::string> texts;
    for (const XmlElement& element : xml.elements)
        if (element.name == "text") texts.push_back(element.text);
    return texts;
}

bool has_text(const std::vector<std::string>& texts, const std::string& wanted) {
    for (const std::string& text : texts)
        if (text.find(wanted) != std::string::npos) return true;
    return false;
}

TEST(Export, XmlCheckerCatchesMistakes) {
    for (const std::string bad : {"<a><b></a></b>", "<a x=1/>", "<a>&nope;</a>", "<a/><b/>", "<a>", "text<a/>"}) {
        XmlChecker checker(bad);
        EXPECT_FALSE(checker.check().empty()) << bad;
    }
    XmlChecker good(R"(<?xml version="1.0"?><svg a="1 &amp; 2"><text>x &lt; y</text><g/></svg>)");
    EXPECT_EQ(good.check(), "");
    ASSERT_EQ(texts_of(good).size(), 1u);
    EXPECT_EQ(texts_of(good)[0], "x < y");
}

TEST(Export, LadderSvgIsWellFormedWithAnArrowPerSegment) {
    const LoadedTrace loaded = handmade();
    const std::string svg = trace_ladder_svg(loaded, ExportRange{}, english(), "handshake <test> & more");
    XmlChecker xml(svg);
    ASSERT_EQ(xml.check(), "") << svg;
    EXPECT_EQ(xml.elements.front().name, "svg");
    EXPECT_EQ(xml.elements.front().attributes.at("xmlns"), "http://www.w3.org/2000/svg");
    size_t arrows = 0;
    std::vector<std::string> packets;
    for (const XmlElement& element : xml.elements)
        if (element.name == "g" && element.attributes.count("class") && element.attributes.at("class") == "arrow") {
            ++arrows;
            packets.push_back(element.attributes.at("data-packet"));
        }
    EXPECT_EQ(arrows, loaded.trace.packets().size());
    EXPECT_EQ(packets, (std::vector<std::string>{"0", "1", "2", "3"}));
    const auto texts = texts_of(xml);
    // The same labels as the window's ladder: flags with relative numbers, states, calls, lane names.
    EXPECT_TRUE(has_text(texts, "SYN seq=0")) << svg;
    EXPECT_TRUE(has_text(texts, "SYN, ACK seq=0 ack=1"));
    EXPECT_TRUE(has_text(texts, "ACK seq=1 ack=1"));
    EXPECT_TRUE(has_text(texts, "PSH, ACK seq=1 ack=1 len=6"));
    EXPECT_TRUE(has_text(texts, "LISTEN"));
    EXPECT_TRUE(has_text(texts, "SYN_SENT"));
    EXPECT_TRUE(has_text(texts, "ESTABLISHED"));
    EXPECT_TRUE(has_text(texts, "connect"));
    EXPECT_TRUE(has_text(texts, "client  10.0.0.1:40000"));
    EXPECT_TRUE(has_text(texts, "server  10.0.0.2:5000"));
    // The SYN is drawn in the window's SYN colour.
    EXPECT_NE(svg.find("fill=\"#50c878\""), std::string::npos) << "Palette::standard().syn is (80, 200, 120)";
}

TEST(Export, LadderSvgOfARangeHoldsOnlyItsSegments) {
    const LoadedTrace loaded = handmade();
    ExportSettings settings;
    settings.from_ns = 1150;  // after the SYN
    settings.to_ns = 1300;    // before the data
    auto range = export_range(loaded, settings, english());
    ASSERT_TRUE(range);
    const std::string svg = trace_ladder_svg(loaded, *range, english(), "");
    XmlChecker xml(svg);
    ASSERT_EQ(xml.check(), "");
    size_t arrows = 0;
    for (const XmlElement& element : xml.elements)
        arrows += element.name == "g" && element.attributes.count("class") && element.attributes.at("class") == "arrow";
    EXPECT_EQ(arrows, 2u) << "the SYN-ACK and the ACK";
    EXPECT_FALSE(has_text(texts_of(xml), "SYN seq=0"));
    EXPECT_TRUE(has_text(texts_of(xml), "SYN, ACK seq=0 ack=1"));
    // The picture starts near the top: the range is moved up, not left blank.
    for (const XmlElement& element : xml.elements) {
        if (element.name == "line" && element.attributes.count("y1")) {
            EXPECT_GE(std::stof(element.attributes.at("y1")), 0.0f);
        }
    }
}

TEST(Export, XmllintAgreesWhenInstalled) {
    if (::system("command -v xmllint > /dev/null 2>&1") != 0) GTEST_SKIP() << "xmllint is not installed";
    const test::TempDir folder;
    const std::string path = folder.file("ladder.svg");
    {
        std::FILE* file = std::fopen(path.c_str(), "w");
        ASSERT_NE(file, nullptr);
        const std::string svg = trace_ladder_svg(handmade(), ExportRange{}, english(), "a & b");
        std::fwrite(svg.data(), 1, svg.size(), file);
        std::fclose(file);
    }
    EXPECT_EQ(::system(("xmllint --noout '" + path + "'").c_str()), 0);
}

}  // namespace
}  // namespace tcplab
