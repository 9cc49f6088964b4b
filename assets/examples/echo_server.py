# An echo server: it sends every byte it receives straight back.
# 回声服务端：收到什么字节，就原样发回什么字节。
#
#   python3 echo_server.py PORT
import socket
import sys

port = int(sys.argv[1]) if len(sys.argv) > 1 else 9000

# A TCP socket: AF_INET is IPv4, SOCK_STREAM is TCP.
# 创建 TCP 套接字：AF_INET 表示 IPv4，SOCK_STREAM 表示 TCP。
listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
# Allow a restart while an old connection is still in TIME_WAIT.
# 允许在旧连接还处于 TIME_WAIT 时重新启动服务端。
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
# "0.0.0.0": every address of this host.
# "0.0.0.0"：本主机的所有地址。
listener.bind(("0.0.0.0", port))
# From here on the kernel answers SYNs by itself; 5 is the backlog.
# 从这里开始，内核自己回应 SYN；5 是 backlog（等待 accept 的队列长度）。
listener.listen(5)
print("listening on port", port, flush=True)

# accept() waits for a finished handshake and returns a new socket for it.
# accept() 等待一次完成的握手，并为这条连接返回一个新的套接字。
connection, peer = listener.accept()
print("connection from", peer, flush=True)
while True:
    # recv() returns whatever bytes have arrived, at most 1024.
    # recv() 返回已经到达的字节，最多 1024 个。
    data = connection.recv(1024)
    if not data:
        # b"": the client closed its side (its FIN arrived).
        # b""：客户端关闭了它那一端（它的 FIN 到了）。
        break
    connection.sendall(data)
connection.close()
listener.close()
print("done", flush=True)
