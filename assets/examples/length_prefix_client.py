# Sends three messages, each after a 4-byte length (struct.pack("!I", n)).
# 发送三条消息，每条前面是 4 字节的长度（struct.pack("!I", n)）。
#
#   python3 length_prefix_client.py HOST PORT
import socket
import struct
import sys

host = sys.argv[1] if len(sys.argv) > 1 else "server"
port = int(sys.argv[2]) if len(sys.argv) > 2 else 9000
client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
client.connect((host, port))

for text in ("hello", "world", "你好，服务端"):
    body = text.encode("utf-8")
    # The header and the body in one send(): the receiver splits them again.
    # 报头和正文在一次 send() 里发出：接收方会再把它们分开。
    client.sendall(struct.pack("!I", len(body)) + body)

client.close()
