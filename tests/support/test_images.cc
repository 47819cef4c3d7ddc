#include "support/test_images.h"

#include <zlib.h>

#include <cstdlib>
#include <stdexcept>
#include <vector>
#include <string_view>

namespace newsvault::testing {
namespace {

void put_u32(std::string& out, std::uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((value >> shift) & 0xFF);
}

void put_chunk(std::string& out, std::string_view type, std::string_view data) {
  put_u32(out, static_cast<std::uint32_t>(data.size()));
  std::string body(type);
  body += data;
  out += body;
  put_u32(out, static_cast<std::uint32_t>(
                   crc32(0, reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size()))));
}

}  // namespace

std::string make_png(std::uint32_t width, std::uint32_t height, std::uint32_t rgb) {
  std::string header;
  put_u32(header, width);
  put_u32(header, height);
  header += std::string("\x08\x02\x00\x00\x00", 5);  // 8-bit RGB, no interlace
  std::string raw;
  for (std::uint32_t y = 0; y < height; ++y) {
    raw += '\0';  // filter: none
    for (std::uint32_t x = 0; x < width; ++x) {
      raw += static_cast<char>((rgb >> 16) & 0xFF);
      raw += static_cast<char>((rgb >> 8) & 0xFF);
      raw += static_cast<char>(rgb & 0xFF);
    }
  }
  uLongf size = compressBound(static_cast<uLong>(raw.size()));
  std::string packed(size, '\0');
  if (compress(reinterpret_cast<Bytef*>(packed.data()), &size, reinterpret_cast<const Bytef*>(raw.data()),
               static_cast<uLong>(raw.size())) != Z_OK) {
    throw std::runtime_error("make_png: zlib failed");
  }
  packed.resize(size);
  std::string png("\x89PNG\r\n\x1A\n", 8);
  put_chunk(png, "IHDR", header);
  put_chunk(png, "IDAT", packed);
  put_chunk(png, "IEND", "");
  return png;
}

std::size_t count_png_pixels(std::string_view png, std::uint32_t rgb) {
  const auto u32 = [&](std::size_t at) {
    if (at + 4 > png.size()) throw std::runtime_error("truncated PNG");
    std::uint32_t value = 0;
    for (std::size_t i = 0; i < 4; ++i) value = value << 8 | static_cast<unsigned char>(png[at + i]);
    return value;
  };
  if (!png.starts_with("\x89PNG\r\n\x1a\n")) throw std::runtime_error("not a PNG");
  std::uint32_t width = 0, height = 0;
  std::size_t channels = 0;
  std::string compressed;
  for (std::size_t at = 8; at + 8 <= png.size();) {
    const std::uint32_t length = u32(at);
    const std::string_view type = png.substr(at + 4, 4);
    const std::string_view data = png.substr(at + 8, length);
    if (type == "IHDR") {
      width = u32(at + 8);
      height = u32(at + 12);
      const int depth = static_cast<unsigned char>(data[8]);
      const int colour = static_cast<unsigned char>(data[9]);
      if (depth != 8 || (colour != 2 && colour != 6) || data[12] != 0) throw std::runtime_error("unsupported PNG");
      channels = colour == 2 ? 3 : 4;
    } else if (type == "IDAT") {
      compressed += data;
    }
    at += 12 + length;
  }
  const std::size_t stride = width * channels;
  std::vector<unsigned char> raw(height * (stride + 1));
  uLongf size = static_cast<uLongf>(raw.size());
  if (uncompress(raw.data(), &size, reinterpret_cast<const Bytef*>(compressed.data()),
                 static_cast<uLong>(compressed.size())) != Z_OK ||
      size != raw.size()) {
    throw std::runtime_error("PNG data does not inflate");
  }
  // ISO/IEC 15948 §9: undo each row's filter against the row above.
  std::vector<unsigned char> previous(stride, 0), row(stride);
  std::size_t count = 0;
  for (std::uint32_t y = 0; y < height; ++y) {
    const unsigned char* line = &raw[y * (stride + 1)];
    const int filter = line[0];
    for (std::size_t x = 0; x < stride; ++x) {
      const int a = x >= channels ? row[x - channels] : 0;
      const int b = previous[x];
      const int c = x >= channels ? previous[x - channels] : 0;
      int predicted = 0;
      if (filter == 1) predicted = a;
      if (filter == 2) predicted = b;
      if (filter == 3) predicted = (a + b) / 2;
      if (filter == 4) {
        const int p = a + b - c, pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
        predicted = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      row[x] = static_cast<unsigned char>(line[1 + x] + predicted);
    }
    for (std::size_t x = 0; x < stride; x += channels) {
      bool close = true;
      for (int i = 0; i < 3; ++i) {
        const int want = static_cast<int>((rgb >> (16 - 8 * i)) & 0xFF);
        close = close && std::abs(row[x + i] - want) <= 40;
      }
      count += close ? 1 : 0;
    }
    previous.swap(row);
  }
  return count;
}

}  // namespace newsvault::testing
