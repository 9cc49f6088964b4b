#include "kernel_counters.hpp"

#include <charconv>
#include <fstream>
#include <sstream>
#include <vector>

#include "events.hpp"

namespace tcplab {
namespace {

std::vector<std::string_view> split_words(std::string_view line) {
    std::vector<std::string_view> words;
    size_t position = 0;
    while (position < line.size()) {
        while (position < line.size() && (line[position] == ' ' || line[position] == '\t')) ++position;
        const size_t start = position;
        while (position < line.size() && line[position] != ' ' && line[position] != '\t') ++position;
        if (position > start) words.push_back(line.substr(start, position - start));
    }
    return words;
}

std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(start, end - start);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (!line.empty()) lines.push_back(line);
        start = end + 1;
    }
    return lines;
}

Result<std::string> read_whole_file(const std::string& path) {
    std::ifstream in(path);
    if (!in) return Error{"cannot read " + path, "check that /proc is mounted"};
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace

std::optional<int64_t> CounterSample::value(const std::string& key) const {
    auto found = values.find(key);
    if (found == values.end()) return std::nullopt;
    return found->second;
}

std::optional<int64_t> KernelCounters::change(const std::string& key) const {
    const auto before = at_start.value(key);
    const auto now = latest.value(key);
    if (!before || !now) return std::nullopt;
    return *now - *before;
}

Result<CounterValues> parse_proc_counters(std::string_view text) {
    CounterValues values;
    const std::vector<std::string_view> lines = split_lines(text);
    for (size_t index = 0; index < lines.size(); index += 2) {
        const std::vector<std::string_view> names = split_words(lines[index]);
        if (names.empty() || names.front().back() != ':')
            return Error{"counter line " + std::to_string(index + 1) + " does not start with a group name", ""};
        const std::string_view group = names.front().substr(0, names.front().size() - 1);
        if (index + 1 >= lines.size())
            return Error{"counter group " + std::string(group) + " has names but no values", ""};
        const std::vector<std::string_view> numbers = split_words(lines[index + 1]);
        if (numbers.empty() || numbers.front() != names.front())
            return Error{"counter group " + std::string(group) + " is not followed by its values", ""};
        if (numbers.size() != names.size())
            return Error{"counter group " + std::string(group) + " has " + std::to_string(names.size() - 1) +
                             " names but " + std::to_string(numbers.size() - 1) + " values",
                         ""};
        for (size_t column = 1; column < names.size(); ++column) {
            int64_t number = 0;
            const std::string_view word = numbers[column];
            const auto [end, problem] = std::from_chars(word.data(), word.data() + word.size(), number);
            if (problem != std::errc() || end != word.data() + word.size())
                return Error{"counter " + std::string(group) + "." + std::string(names[column]) + " has value '" +
                                 std::string(word) + "', not a number",
                             ""};
            values[std::string(group) + "." + std::string(names[column])] = number;
        }
    }
    return values;
}

Result<CounterSample> read_kernel_counters() {
    CounterSample sample;
    for (const char* path : {"/proc/thread-self/net/snmp", "/proc/thread-self/net/netstat"}) {
        auto text = read_whole_file(path);
        if (!text) return text.error();
        auto parsed = parse_proc_counters(text.value());
        if (!parsed) return Error{std::string(path) + ": " + parsed.error().what, ""};
        sample.values.merge(parsed.value());
    }
    sample.time_ns = realtime_now_ns();
    return sample;
}

}  // namespace tcplab
