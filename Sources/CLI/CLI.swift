/// The `swcompose` command line.
public enum SwcomposeCommand {
    public static func main() async {
        print("swcompose")
    }
}
