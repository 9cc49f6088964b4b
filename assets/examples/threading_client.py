# Several clients at once, each on its own thread and its own connection.
# 同时启动几个客户端，每个都有自己的线程和自己的连接。
#
#   python3 threading_client.py HOST PORT [CLIENTS]
import socket
import sys
import threading
import time

host = sys.argv[1] if len(sys.argv) > 1 else "server"
port = int(sys.argv[2]) if len(sys.argv) > 2 else 9000
clients = int(sys.argv[3]) if len(sys.argv) > 3 else 3


def talk(number):
    # Each connection has its own client port: four numbers tell connections apart.
    # 每条连接都有自己的客户端端口：四元组区分不同的连接。
    with socket.create_connection((host, port)) as connection:
        for round_number in range(2):
            connection.sendall(("client %d, round %d" % (number, round_number)).encode())
            print(connection.recv(1024).decode(), flush=True)
            time.sleep(0.2)


threads = [threading.Thread(target=talk, args=(number,)) for number in range(clients)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
